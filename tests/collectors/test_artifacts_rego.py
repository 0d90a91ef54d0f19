"""The model and serving Rego controls: their Rego unit tests, and findings end to end."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
import regorus

from mlscan.scan import ScanOptions, run
from tests import pickle_corpus as pc

REPO = Path(__file__).resolve().parents[2]
POLICIES = sorted(
    [p for p in (REPO / "rego/controls/model").glob("*.rego") if not p.name.endswith("_test.rego")]
    + [REPO / "rego/controls/serving/unsafe_deserialization.rego"]
)


def rego_tests() -> list[tuple[Path, str]]:
    out = []
    for policy in POLICIES:
        test = policy.with_name(policy.stem + "_test.rego")
        for name in re.findall(r"^(test_\w+)", test.read_text(), re.M):
            out.append((policy, name))
    return out


def engine(policy: Path) -> tuple[regorus.Engine, str]:
    e = regorus.Engine()
    for lib in sorted((REPO / "rego/lib").glob("*.rego")):
        e.add_policy_from_file(str(lib))
    e.add_policy_from_file(str(policy))
    e.add_policy_from_file(str(policy.with_name(policy.stem + "_test.rego")))
    package = re.search(r"^package (\S+)", policy.read_text(), re.M)
    assert package is not None
    return e, package.group(1)


def test_every_control_has_firing_and_silent_tests() -> None:
    for policy in POLICIES:
        names = [n for p, n in rego_tests() if p == policy]
        assert any("fires" in n for n in names), policy
        assert any("silent" in n for n in names), policy


@pytest.mark.parametrize(("policy", "name"), rego_tests(),
                         ids=lambda x: x.stem if isinstance(x, Path) else x)
def test_rego_unit_test(policy: Path, name: str) -> None:
    e, package = engine(policy)
    assert json.loads(e.eval_rule_as_json(f"data.{package}.{name}")) is True


def test_rego_runner_can_fail() -> None:
    e, package = engine(REPO / "rego/controls/model/dangerous_imports.rego")
    e.set_input_json(json.dumps({"artifacts": {"files": [{"path": "m.pkl", "format": "pickle",
                                                          "globals": [], "sha256": "",
                                                          "loc": {"path": "m.pkl"}}]}}))
    assert json.loads(e.eval_rule_as_json(f"data.{package}.deny")) == []


def keras_with_lambda() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("config.json", json.dumps({"class_name": "Sequential", "config": {
            "layers": [{"class_name": "Lambda", "config": {"name": "lambda_7"}}]}}))
        zf.writestr("metadata.json", "{}")
    return buf.getvalue()


def test_model_file_findings_end_to_end(tmp_path: Path) -> None:
    files = {
        "models/evil.pkl": pc.os_system_payload("echo x")["p4"],
        "models/clf.joblib": pc.joblib_like(pc.sklearn_like_pkl()[2:-1]),
        "models/weights.safetensors": b"\x13\0\0\0\0\0\0\0" + b'{"__metadata__":{}}',
        "models/net.keras": keras_with_lambda(),
        "export/sm/saved_model.pb": b"\x12\x08ReadFile",
    }
    for rel, data in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    result = run(ScanOptions(paths=(str(tmp_path),)))
    assert result.notifications == ()
    mod = [f for f in result.findings if f.control.id.startswith("MLS-MOD")]
    got = sorted((f.control.id, f.location.path, f.message) for f in mod)
    assert got == [
        ("MLS-MOD-001", "models/clf.joblib",
         "models/clf.joblib is a pickle-based model file (joblib); loading it can run "
         "arbitrary code"),
        ("MLS-MOD-001", "models/evil.pkl",
         "models/evil.pkl is a pickle-based model file (pickle); loading it can run "
         "arbitrary code"),
        ("MLS-MOD-002", "models/evil.pkl",
         "models/evil.pkl imports os.system; loading this pickle model runs that code "
         "(found by: opcodes)"),
        ("MLS-MOD-003", "export/sm/saved_model.pb",
         "export/sm/saved_model.pb uses TensorFlow op(s) ReadFile that read or write files "
         "or run Python"),
        ("MLS-MOD-003", "models/net.keras",
         "models/net.keras contains Keras Lambda layer(s) lambda_7 whose Python bytecode "
         "runs at load time"),
    ]
    severities = {f.control.id: f.severity for f in mod}
    assert severities == {"MLS-MOD-001": "medium", "MLS-MOD-002": "critical",
                          "MLS-MOD-003": "high"}


def test_user_policy_folder_adds_a_dangerous_global_and_a_keras_module(tmp_path: Path
                                                                       ) -> None:
    project = tmp_path / "project"
    (project / "models").mkdir(parents=True)
    (project / "models/hook.pkl").write_bytes(pc.p4(pc.call_p4("acme.hooks", "run_startup")))
    (project / "models/layers.keras").write_bytes(zip_bytes({"config.json": json.dumps({
        "module": "keras", "class_name": "Sequential", "config": {"layers": [
            {"module": "acme_layers.blocks", "class_name": "Block", "config": {}}]}})}))
    policies = tmp_path / "policies"
    policies.mkdir()
    before = run(ScanOptions(paths=(str(project),)))
    assert sorted((f.control.id, f.location.path) for f in before.findings
                  if f.control.id == "MLS-MOD-002") == [("MLS-MOD-002", "models/layers.keras")]
    (policies / "model_files.rego").write_text(
        "package mlscan.lib.model_files\n\nimport rego.v1\n\n"
        'dangerous_globals contains "acme.hooks.run_startup"\n\n'
        'keras_allowed_modules contains "acme_layers"\n')
    after = run(ScanOptions(paths=(str(project),), policy_dirs=(str(policies),)))
    got = sorted((f.control.id, f.location.path, f.message) for f in after.findings
                 if f.control.id == "MLS-MOD-002")
    assert got == [("MLS-MOD-002", "models/hook.pkl",
                    "models/hook.pkl imports acme.hooks.run_startup; loading this pickle model "
                    "runs that code (found by: opcodes)")]


def zip_bytes(members: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
        zf.writestr("metadata.json", "{}")
    return buf.getvalue()


DIFFERENTIAL_GLOBALS = [
    ("os", "system"), ("posix", "system"), ("os.path", "join"), ("builtins", "exec"),
    ("builtins", "set"), ("builtins", "getattr.__self__.exec"), ("operator", "add"),
    ("operator", "attrgetter"), ("torch._utils", "_rebuild_tensor_v2"), ("torch", "load"),
    ("torch", "serialization.load"), ("torch", "nn.modules.linear.Linear"),
    ("torch.jit._pickle", "build_intlist"), ("torch.jit", "load"),
    ("numpy", "core.numeric.os.system"), ("numpy.core.multiarray", "_reconstruct"),
    ("logging", "os.system"), ("collections", "OrderedDict"),
    ("collections", "abc.sys.modules.get"), ("acme.models", "Net.Config"),
    ("acme.models", "Net.__init__"), ("pathlib", "PosixPath"),
    ("pathlib", "Path.write_text"), ("gzip", "open"), ("gzip", "decompress"),
    ("shutil", "move"), ("sqlite3", "connect"), ("tarfile", "open"),
    ("zipfile", "ZipFile.extractall"), ("sklearn.linear_model._logistic", "LogisticRegression"),
    ("<dynamic>", "<dynamic>"), ("copyreg._extension_registry", "17"),
]


def test_walker_table_and_rego_lib_agree() -> None:
    """globals.classify (which tells the walker how deep to go) and the Rego lib (which the
    controls decide with) read the same table and must give the same answer."""
    from mlscan.collectors.artifacts.globals import classify

    e = regorus.Engine()
    e.add_policy_from_file(str(REPO / "rego/lib/model_files.rego"))
    e.set_input_json(json.dumps({"globals": [
        {"module": m, "name": n, "picklescan": None} for m, n in DIFFERENTIAL_GLOBALS]}))
    rego = set(json.loads(e.eval_query_as_json(
        "x := data.mlscan.lib.model_files.dangerous_names(input)"))["result"][0]["bindings"]["x"])
    python = {f"{m}.{n}" for m, n in DIFFERENTIAL_GLOBALS if classify(m, n) == "dangerous"}
    assert rego == python
    # a real pickler writes the class's own module; a path through a module is an evasion
    assert "torch.nn.modules.linear.Linear" in python
    assert "acme.models.Net.Config" not in python
    assert "pathlib.PosixPath" not in python
