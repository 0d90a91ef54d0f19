"""mlscan.policy.bundle: a standard, deterministic OPA bundle of the policy set."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
import regorus

from mlscan import __version__
from mlscan.controls import builtin_policy_dir, load_policy_set
from mlscan.policy.bundle import build_bundle

REPO = Path(__file__).resolve().parent.parent.parent
GOOD = REPO / "tests" / "fixtures" / "policies" / "good"


def _members(data: bytes) -> dict[str, tuple[tarfile.TarInfo, bytes]]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        out = {}
        for m in tar.getmembers():
            f = tar.extractfile(m)
            assert f is not None
            out[m.name] = (m, f.read())
        return out


def test_layout_manifest_and_member_attributes() -> None:
    bundle = build_bundle([GOOD])
    members = _members(bundle.data)
    builtin = sorted(
        f"rego/{p.relative_to(builtin_policy_dir()).as_posix()}"
        for p in builtin_policy_dir().rglob("*.rego")
        if not p.name.endswith("_test.rego")
    )
    assert list(members) == sorted(
        [
            ".manifest",
            "policies/good/acme/model_registry.rego",
            "policies/good/onelines/oneline.rego",
            *builtin,
        ]
    )
    assert not any(name.endswith("_test.rego") for name in members)
    policies = load_policy_set([GOOD])
    manifest = json.loads(members[".manifest"][1])
    assert manifest == {
        "revision": f"mlscan-{__version__}-{policies.policy_hash()}",
        "roots": ["mlscan"],
        "rego_version": 1,
        "metadata": {
            "mlscan": {
                "version": __version__,
                "policy_hash": policies.policy_hash(),
                "controls": [c.id for c in policies.controls],
            }
        },
    }
    assert (
        members["policies/good/acme/model_registry.rego"][1]
        == (GOOD / "acme" / "model_registry.rego").read_bytes()
    )
    for info, _ in members.values():
        assert (info.mtime, info.uid, info.gid, info.mode, info.uname, info.gname) == (
            0,
            0,
            0,
            0o644,
            "",
            "",
        )
        assert info.isfile()
    # gzip header: no timestamp, no file name
    assert bundle.data[4:8] == b"\0\0\0\0"
    assert bundle.data[3] & 0x08 == 0


def test_bytes_are_identical_across_runs_and_revision_is_honoured() -> None:
    first = build_bundle([GOOD], revision="2026.11.29-1").data
    second = build_bundle([GOOD], revision="2026.11.29-1").data
    assert first == second
    assert json.loads(_members(first)[".manifest"][1])["revision"] == "2026.11.29-1"
    assert build_bundle([GOOD]).data != first


def test_regorus_loads_every_bundled_policy_and_finds_the_same_violations() -> None:
    members = _members(build_bundle([GOOD]).data)
    engine = regorus.Engine()
    engine.set_rego_v0(False)
    for name, (_, body) in members.items():
        if name.endswith(".rego"):
            engine.add_policy(name, body.decode())
    engine.set_input_json(
        json.dumps(
            {
                "acme": {
                    "registries": [
                        {"name": "main", "url": "http://r", "loc": {"path": "r.yaml", "line": 2}}
                    ]
                }
            }
        )
    )
    value = json.loads(engine.eval_query_as_json("data.mlscan.controls.acme.model_registry.deny"))
    assert value["result"][0]["expressions"][0]["value"] == [
        {
            "asset": "main",
            "loc": {"line": 2, "path": "r.yaml"},
            "msg": "registry main is reached over plaintext HTTP",
        }
    ]


def test_data_json_and_extra_roots(tmp_path: Path) -> None:
    (tmp_path / "helpers.rego").write_text("package acme.helpers\n\nimport rego.v1\n\nx := 1\n")
    data = {"mlscan": {"allowed_hosts": ["a"]}, "acme": {"teams": ["ml"]}}
    bundle = build_bundle([tmp_path], include_builtin=False, data=data)
    members = _members(bundle.data)
    assert list(members) == [".manifest", "data.json", f"policies/{tmp_path.name}/helpers.rego"]
    assert json.loads(members["data.json"][1]) == data
    assert json.loads(members[".manifest"][1])["roots"] == ["acme", "mlscan"]
    # a data key outside the packages' roots becomes a root too
    other = build_bundle([tmp_path], include_builtin=False, data={"orgchart": {}})
    assert other.roots == ("acme", "mlscan", "orgchart")


def test_two_folders_with_the_same_name_get_distinct_paths(tmp_path: Path) -> None:
    for parent in ("one", "two"):
        d = tmp_path / parent / "policies"
        d.mkdir(parents=True)
        (d / f"{parent}.rego").write_text(f"package acme.{parent}\n\nimport rego.v1\n\nx := 1\n")
    bundle = build_bundle(
        [tmp_path / "one" / "policies", tmp_path / "two" / "policies"], include_builtin=False
    )
    assert bundle.members == (
        ".manifest",
        "policies/policies-2/two.rego",
        "policies/policies/one.rego",
    )


def test_bad_policy_folder_is_a_policy_error(tmp_path: Path) -> None:
    from mlscan.errors import PolicyError

    with pytest.raises(PolicyError, match="policy folder not found"):
        build_bundle([tmp_path / "missing"])
