"""Evasion classes one by one, at the level of facts and findings: discovery by content,
the scan root as a model, DVC and MLflow outputs, lenient zips, engine evidence."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

from mlscan.collectors.artifacts import pickles
from mlscan.scan import ScanOptions, run
from tests import model_corpus as mc
from tests import pickle_corpus as pc
from tests.collectors.test_artifacts import collect, write

PAYLOAD = pc.p2(pc.call_p2("os", "system", "touch /nonexistent/marker"))


def model_findings(root: Path, *paths: str) -> list[tuple[str, str]]:
    result = run(ScanOptions(paths=paths or (str(root),)))
    return sorted((f.control.id, f.location.path) for f in result.findings
                  if f.control.id in ("MLS-MOD-001", "MLS-MOD-002", "MLS-MOD-003",
                                      "MLS-MOD-008"))


def test_explicitly_named_file_is_sniffed_whatever_its_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "upload.data", mc.torch_zip(PAYLOAD))
    write(tmp_path, "notes.txt", b"plain text")
    monkeypatch.chdir(tmp_path)
    assert model_findings(tmp_path, "upload.data", "notes.txt") == [
        ("MLS-MOD-001", "upload.data"), ("MLS-MOD-002", "upload.data")]
    # not named and not in a model folder: not looked at
    assert model_findings(tmp_path) == []


def test_files_in_model_folders_are_sniffed(tmp_path: Path) -> None:
    write(tmp_path, "models/resnet.pth.tar", mc.torch_zip(PAYLOAD))
    write(tmp_path, "models/clf.pkl.gz", gzip.compress(PAYLOAD, mtime=0))
    write(tmp_path, "models/table.csv.gz", gzip.compress(b"a,b\n1,2\n", mtime=0))
    write(tmp_path, "models/readme.md", b"# models\n")
    write(tmp_path, "models/data.zip", mc._zip({"a.csv": b"a,b\n"}))
    out, files = collect(tmp_path)
    assert sorted(files) == ["models/clf.pkl.gz", "models/resnet.pth.tar"]
    assert (files["models/resnet.pth.tar"]["format"], files["models/resnet.pth.tar"]["found_by"]
            ) == ("pytorch", "content")
    assert files["models/clf.pkl.gz"]["container"] == "gzip"
    assert files["models/clf.pkl.gz"]["dangerous_globals"] == ["os.system"]
    assert out.notifications == ()


def test_dvc_and_mlflow_outputs_are_sniffed(tmp_path: Path) -> None:
    write(tmp_path, "dvc.yaml", b"stages:\n  train:\n    cmd: python train.py\n"
                                b"    outs:\n      - build/clf.out\n")
    write(tmp_path, "build/clf.out", PAYLOAD)
    write(tmp_path, "export.dvc", b"outs:\n- md5: 0\n  path: export\n")
    write(tmp_path, "export/booster.raw", PAYLOAD)
    write(tmp_path, "mlruns/0/abc/artifacts/model/model.raw", PAYLOAD)
    write(tmp_path, "build/other.out", PAYLOAD)  # not a declared output
    _, files = collect(tmp_path)
    assert sorted(files) == ["build/clf.out", "export/booster.raw",
                             "mlruns/0/abc/artifacts/model/model.raw"]
    assert {f["dangerous_globals"][0] for f in files.values()} == {"os.system"}


def test_savedmodel_as_the_scan_root(tmp_path: Path) -> None:
    sm = tmp_path / "export" / "sm"
    write(sm, "saved_model.pb", b"\x12\x06PyFunc")
    write(sm, "variables/variables.data-00000-of-00001", PAYLOAD)
    assert model_findings(sm) == [
        ("MLS-MOD-001", "variables/variables.data-00000-of-00001"),
        ("MLS-MOD-002", "variables/variables.data-00000-of-00001"),
        ("MLS-MOD-003", "saved_model.pb")]
    # the same files when the parent folder is the root
    assert model_findings(tmp_path) == [
        ("MLS-MOD-001", "export/sm/variables/variables.data-00000-of-00001"),
        ("MLS-MOD-002", "export/sm/variables/variables.data-00000-of-00001"),
        ("MLS-MOD-003", "export/sm/saved_model.pb")]


def test_mlflow_model_as_the_scan_root(tmp_path: Path) -> None:
    write(tmp_path, "MLmodel", b"flavors:\n  python_function:\n    loader_module: x\n")
    write(tmp_path, "model.pkl", PAYLOAD)
    _, files = collect(tmp_path)
    assert files["model.pkl"]["model_dir"] == "."


@pytest.mark.parametrize(("mutate", "anomaly"), [
    (lambda d: mc.zip_rename_local(d, "archive/data.pkl", "archive/data.pkx"),
     "zip-name-mismatch"),
    (mc.zip_set_encrypted, "zip-encrypted-flag"),
    (mc.zip_bad_crc, "zip-bad-crc"),
])
def test_zips_that_zipfile_refuses_are_read_like_torch(tmp_path: Path, mutate: object,
                                                       anomaly: str) -> None:
    write(tmp_path, "models/m.pt", mutate(mc.torch_zip(PAYLOAD)))  # type: ignore[operator]
    out, files = collect(tmp_path)
    fact = files["models/m.pt"]
    assert (fact["format"], fact["dangerous_globals"], fact["container_anomalies"],
            fact["unanalysed_reason"]) == ("pytorch", ["os.system"], [anomaly], None)
    assert out.notifications == ()


def test_unreadable_pickle_member_is_a_finding_not_a_notification(tmp_path: Path) -> None:
    write(tmp_path, "models/m.pt", mc.zip_unknown_method(mc.torch_zip(PAYLOAD)))
    out, files = collect(tmp_path)
    assert files["models/m.pt"]["unreadable_members"] == [{
        "member": "archive/data.pkl",
        "reason": "archive member archive/data.pkl uses compression method 99, which model "
                  "loaders do not read"}]
    assert out.notifications == ()
    assert model_findings(tmp_path) == [("MLS-MOD-001", "models/m.pt"),
                                        ("MLS-MOD-008", "models/m.pt")]


def test_7z_declared_pytorch_and_payload_before_the_break(tmp_path: Path) -> None:
    write(tmp_path, "models/a.pt", mc.sevenzip_lzma(mc.broken_after(PAYLOAD)))
    write(tmp_path, "models/b.pkl", mc.broken_after(PAYLOAD))
    _, files = collect(tmp_path)
    assert (files["models/a.pt"]["format"], files["models/a.pt"]["container"]) == ("7z", "7z")
    assert files["models/b.pkl"]["dangerous_globals"] == ["os.system"]
    assert model_findings(tmp_path) == [
        ("MLS-MOD-001", "models/b.pkl"), ("MLS-MOD-002", "models/b.pkl"),
        ("MLS-MOD-008", "models/a.pt")]


def test_npz_members_checked_by_magic(tmp_path: Path) -> None:
    write(tmp_path, "models/w.npz", pc.npz({"weights": mc.npy_object(PAYLOAD)}))
    _, files = collect(tmp_path)
    fact = files["models/w.npz"]
    assert (fact["format"], fact["pickle_members"], fact["dangerous_globals"]) == (
        "npz", ["weights"], ["os.system"])


def test_keras_module_references_are_recorded(tmp_path: Path) -> None:
    write(tmp_path, "models/k.keras", mc.keras_zip({"module": "keras", "class_name": "Model",
                                                    "config": {"layers": [
        {"module": "subprocess", "class_name": "Popen", "config": {}}]}}))
    _, files = collect(tmp_path)
    assert files["models/k.keras"]["keras_objects"] == [
        {"module": "keras", "class_name": "Model", "registered_name": None, "at": "$"},
        {"module": "subprocess", "class_name": "Popen", "registered_name": None,
         "at": "$.config.layers[0]"}]


def test_dotted_stack_global_is_recorded_as_seen(tmp_path: Path) -> None:
    write(tmp_path, "models/d.pkl",
          pc.p4(mc.sg_call("numpy", "core.numeric.os.system", pc.sbu("id"))))
    _, files = collect(tmp_path)
    assert [(g["module"], g["name"], g["opcodes"]) for g in files["models/d.pkl"]["globals"]
            ] == [("numpy", "core.numeric.os.system", ["STACK_GLOBAL"])]
    assert model_findings(tmp_path) == [("MLS-MOD-001", "models/d.pkl"),
                                        ("MLS-MOD-002", "models/d.pkl")]


def test_picklescan_evidence_is_kept_when_the_walker_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("walker bug")

    monkeypatch.setattr(pickles, "walk_buffer", broken)
    result = pickles.analyse(PAYLOAD, timeout=5)
    assert [(g.module, g.name, g.sources, g.picklescan) for g in result.globals] == [
        ("os", "system", ("byte-scan", "picklescan"), "dangerous")]
    assert result.engine_errors == (("opcodes", "walker failed (RuntimeError: walker bug)"),)
    assert result.engines == ("opcodes", "picklescan", "byte-scan")


def test_pre_commit_hook_passes_the_files_content_sniffing_reads() -> None:
    import re

    import yaml

    (hook,) = yaml.safe_load((Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml"
                              ).read_text(encoding="utf-8"))
    pattern = re.compile(hook["files"])
    for path in ("models/weights.dat", "checkpoint.pth.tar", "models/clf.pkl.gz",
                 "checkpoints/epoch3.state", "export/sm/keras_metadata.pb",
                 "mlruns/0/abc/artifacts/model/model.raw", "nullifai.7z", "model.npz",
                 "booster.ubj"):
        assert pattern.search(path), path
    for path in ("src/app.js", "assets/logo.png"):
        assert not pattern.search(path), path


def test_sagemaker_tarball_members_are_analysed(tmp_path: Path) -> None:
    write(tmp_path, "models/model.tar.gz",
          gzip.compress(mc.tar_of({"code/inference.py": b"print(1)\n", "model.pkl": PAYLOAD}),
                        mtime=0))
    write(tmp_path, "models/docs.tar", mc.tar_of({"README.md": b"# docs\n"}))
    out, files = collect(tmp_path)
    assert sorted(files) == ["models/model.tar.gz"]
    fact = files["models/model.tar.gz"]
    assert (fact["format"], fact["container"], fact["pickle_members"],
            fact["dangerous_globals"]) == ("tar", "tar", ["model.pkl"], ["os.system"])
    # found by content, not declared a PyTorch file: no MLS-MOD-008
    assert model_findings(tmp_path) == [("MLS-MOD-001", "models/model.tar.gz"),
                                        ("MLS-MOD-002", "models/model.tar.gz")]
    assert out.notifications == ()


# ------------------------------------------------------------------ robustness (fuzzing)
from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from mlscan.collectors.artifacts.files import AnalysisLimits, analyse_file  # noqa: E402

CONTAINERS = [
    mc.torch_zip(PAYLOAD), mc.zip_bad_crc(mc.torch_zip(PAYLOAD)),
    pc.npz({"w": mc.npy_object(PAYLOAD)}), mc.tar_of({"pickle": PAYLOAD}),
    gzip.compress(mc.tar_of({"m.pkl": PAYLOAD}), mtime=0), mc.sevenzip_lzma(PAYLOAD),
    mc.keras_zip({"module": "os", "class_name": "system"}),
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(0, len(CONTAINERS) - 1),
       flips=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=6),
       cut=st.integers(0, 10_000),
       declared=st.sampled_from(["pytorch", "numpy", "sniffed", "keras", "pickle"]))
# a central directory whose offsets make zipfile compute a negative local-header offset
@example(index=0, flips=[(515, 1)], cut=0, declared="pytorch")
def test_mutated_containers_never_raise(index: int, flips: list[tuple[int, int]], cut: int,
                                        declared: str) -> None:
    data = bytearray(CONTAINERS[index])
    for pos, value in flips:
        data[pos % len(data)] = value
    data = data[:max(1, len(data) - cut % 64)]
    result = analyse_file(io.BytesIO(bytes(data)), len(data), declared,
                          AnalysisLimits(timeout=5))
    assert result.verdict in ("safe", "suspicious", "dangerous", "unanalysed")


def test_binary_data_that_begins_like_a_pickle_is_not_a_model(tmp_path: Path) -> None:
    write(tmp_path, "export/sm/saved_model.pb", b"\x12\x06MatMul")
    write(tmp_path, "export/sm/variables/variables.data-00000-of-00001",
          b"\x80\x03" + bytes(range(256)) * 4)
    out, files = collect(tmp_path)
    assert sorted(files) == ["export/sm/saved_model.pb"]
    assert out.notifications == ()


def test_a_broken_dvc_file_keeps_its_single_notification(tmp_path: Path) -> None:
    write(tmp_path, "dvc.yaml", b"stages:\n  train: [\n")
    write(tmp_path, "x.dvc", b"outs:\n- path: x\n  bad: [\n")
    result = run(ScanOptions(paths=(str(tmp_path),)))
    # one notification, owned by the parse cache (source "parse") since files parse once
    assert sorted((n.path, n.source) for n in result.notifications
                  if n.path == "x.dvc") == [("x.dvc", "parse")]
    assert not [n for n in result.notifications if n.source == "artifacts"]
