"""Signature collector + MLS-SIG-001..004, on models signed for real by model-signing
(keys, certificates) and by a private offline Sigstore instance (keyless)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from mlscan.models import Finding
from mlscan.scan import ScanOptions, collect_facts, run
from tests.fixtures.signatures.helpers import (
    GITHUB_ISSUER,
    GOOD_IDENTITY,
    OfflineSigstore,
    edit_bundle,
    flip_b64,
    key_pair,
    make_ca,
    make_leaf,
    sign_with_certificate,
    sign_with_key,
    write_cert,
    write_private,
)


@pytest.fixture(autouse=True)
def _private_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_CACHE_HOME", str(base / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(base / "data"))


# ---------------------------------------------------------------------- helpers
def write_config(root: Path, signing: dict[str, Any]) -> None:
    (root / ".mlscan.yaml").write_text(yaml.safe_dump({"signing": signing}), encoding="utf-8")


def project(tmp_path: Path) -> Path:
    """A project with a single-file model and a model directory (a HF-style tree)."""
    root = tmp_path / "proj"
    (root / "models" / "bert" / "tokenizer").mkdir(parents=True)
    (root / "models" / "clf.pkl").write_bytes(b"\x80\x04K\x01.")
    (root / "models" / "bert" / "model.safetensors").write_bytes(b"weights-v1" * 100)
    (root / "models" / "bert" / "config.json").write_text('{"hidden": 8}', encoding="utf-8")
    (root / "models" / "bert" / "tokenizer" / "vocab.txt").write_text("a\nb\n", encoding="utf-8")
    return root


def key_signed(tmp_path: Path) -> tuple[Path, Path, Path]:
    root = project(tmp_path)
    priv, pub = key_pair(tmp_path / "keys")
    sign_with_key(root / "models" / "clf.pkl", root / "models" / "clf.pkl.sig", priv)
    sign_with_key(root / "models" / "bert", root / "models" / "bert.sig", priv)
    (root / "keys").mkdir()
    shutil.copy(pub, root / "keys" / "release.pub")
    write_config(root, {"trusted_keys": ["keys/release.pub"]})
    return root, priv, pub


def facts(root: Path) -> dict[str, Any]:
    fr = collect_facts((str(root),))
    return fr.facts["signatures"]


def model(f: dict[str, Any], path: str) -> dict[str, Any]:
    return next(m for m in f["models"] if m["path"] == path)


def sig_findings(root: Path) -> list[Finding]:
    result = run(ScanOptions(paths=(str(root),)))
    return [f for f in result.findings if f.control.id.startswith("MLS-SIG-")]


def summary(findings: list[Finding]) -> list[tuple[str, str, str, str]]:
    return sorted(
        (f.control.id, f.location.path, f.severity, str(f.evidence.get("reason", "")))
        for f in findings
    )


# ------------------------------------------------------------------ key-signed
def test_key_signed_models_verify_and_compare_clean(tmp_path: Path) -> None:
    root, _, pub = key_signed(tmp_path)
    f = facts(root)
    clf, bert = model(f, "models/clf.pkl"), model(f, "models/bert")
    assert (clf["kind"], clf["format"], bert["kind"], bert["format"]) == (
        "file", "pickle", "dir", "directory",
    )
    for m in (clf, bert):
        assert m["signed"] is True
        assert m["verification"]["status"] == "verified"
        assert m["verification"]["reason"] == "verified"
        assert m["verification"]["signer_kind"] == "public_key"
        assert m["verification"]["trusted_by"] == "keys/release.pub"
        assert m["manifest_diff"] == {
            "compared": True, "reason": None, "changed": [], "added": [], "missing": [],
            "not_compared": [], "signed_files": m["manifest_diff"]["signed_files"],
        }
        assert m["signature"]["predicate_type"] == "https://model_signing/signature/v1.0"
        assert m["signature"]["serialization"]["method"] == "files"
        assert m["signature"]["serialization"]["ignore_paths"] == [
            ".git", ".gitattributes", ".github", ".gitignore",
        ]
        assert m["tlog_entries"] == 0
    assert bert["manifest_diff"]["signed_files"] == 3
    assert [x["path"] for x in bert["files"]] == [
        "models/bert/config.json", "models/bert/model.safetensors",
        "models/bert/tokenizer/vocab.txt",
    ]
    assert clf["files"][0]["sha256"] == hashlib.sha256(b"\x80\x04K\x01.").hexdigest()
    assert clf["verification"]["key_fingerprint"] == hashlib.sha256(pub.read_bytes()).hexdigest()
    assert clf["signature"]["signer"]["key_hint"] == clf["verification"]["key_fingerprint"]
    assert f["policy"]["trusted_keys"] == 1
    assert sig_findings(root) == []


def test_modified_added_removed_files_are_one_critical_finding(tmp_path: Path) -> None:
    root, _, _ = key_signed(tmp_path)
    bert = root / "models" / "bert"
    (bert / "model.safetensors").write_bytes(b"weights-v2" * 100)  # changed
    (bert / "tokenizer" / "vocab.txt").unlink()  # missing
    (bert / "hook.py").write_text("import os\n", encoding="utf-8")  # added
    findings = sig_findings(root)
    assert summary(findings) == [("MLS-SIG-002", "models/bert", "critical", "")]
    (finding,) = findings
    assert finding.message == (
        "Model models/bert differs from its signed manifest models/bert.sig "
        "(changed: models/bert/model.safetensors; added: models/bert/hook.py; "
        "missing: models/bert/tokenizer/vocab.txt)"
    )
    assert [r.path for r in finding.related] == [
        "models/bert/model.safetensors", "models/bert/hook.py", "models/bert.sig",
    ]
    assert finding.evidence["missing"] == ["models/bert/tokenizer/vocab.txt"]
    # the signature itself still verifies: the statement is authentic, the files are not
    assert model(facts(root), "models/bert")["verification"]["status"] == "verified"


def test_renamed_file_is_missing_plus_added(tmp_path: Path) -> None:
    root, _, _ = key_signed(tmp_path)
    bert = root / "models" / "bert"
    (bert / "config.json").rename(bert / "config.old.json")
    diff = model(facts(root), "models/bert")["manifest_diff"]
    assert (diff["changed"], diff["added"], diff["missing"]) == (
        [], ["models/bert/config.old.json"], ["models/bert/config.json"],
    )


def test_tampered_single_file_model(tmp_path: Path) -> None:
    root, _, _ = key_signed(tmp_path)
    (root / "models" / "clf.pkl").write_bytes(b"\x80\x04K\x02.")
    findings = sig_findings(root)
    assert summary(findings) == [("MLS-SIG-002", "models/clf.pkl", "critical", "")]
    assert findings[0].message == (
        "Model models/clf.pkl differs from its signed manifest models/clf.pkl.sig "
        "(changed: models/clf.pkl)"
    )


def test_wrong_key_is_untrusted_signer(tmp_path: Path) -> None:
    root, _, _ = key_signed(tmp_path)
    _, other_pub = key_pair(tmp_path / "other")
    shutil.copy(other_pub, root / "keys" / "release.pub")
    findings = sig_findings(root)
    assert summary(findings) == [
        ("MLS-SIG-003", "models/bert.sig", "high", "untrusted-key"),
        ("MLS-SIG-003", "models/clf.pkl.sig", "high", "untrusted-key"),
    ]
    assert "none of the trusted keys (keys/release.pub)" in findings[0].message


def test_no_trust_configured_still_compares_and_reports_unchecked(tmp_path: Path) -> None:
    root, _, _ = key_signed(tmp_path)
    (root / ".mlscan.yaml").unlink()
    (root / "models" / "clf.pkl").write_bytes(b"tampered")
    assert summary(sig_findings(root)) == [
        ("MLS-SIG-002", "models/clf.pkl", "critical", ""),
        ("MLS-SIG-003", "models/bert.sig", "medium", "no-trusted-keys"),
        ("MLS-SIG-003", "models/clf.pkl.sig", "medium", "no-trusted-keys"),
    ]


@pytest.mark.parametrize(
    ("damage", "reason", "bundle_reason"),
    [
        (
            lambda p: p.write_text("{not json", encoding="utf-8"),
            "bundle-corrupt",
            "bundle-not-json",
        ),
        (
            lambda p: edit_bundle(p, lambda d: d["dsseEnvelope"].update(payload="%%%notbase64")),
            "bundle-corrupt",
            "bundle-bad-base64",
        ),
        (
            lambda p: edit_bundle(
                p, lambda d: d["dsseEnvelope"]["signatures"][0].update(
                    sig=flip_b64(d["dsseEnvelope"]["signatures"][0]["sig"], 20))
            ),
            "signature-invalid",
            None,
        ),
    ],
    ids=["bad-json", "bad-base64", "bad-signature-bytes"],
)
def test_corrupt_bundles(
    tmp_path: Path, damage: Any, reason: str, bundle_reason: str | None
) -> None:
    root, _, _ = key_signed(tmp_path)
    damage(root / "models" / "clf.pkl.sig")
    m = model(facts(root), "models/clf.pkl")
    assert (m["verification"]["status"], m["verification"]["reason"]) == ("failed", reason)
    err = m["signature"]["error"]
    assert (err["reason"] if err else None) == bundle_reason
    assert summary(sig_findings(root)) == [("MLS-SIG-003", "models/clf.pkl.sig", "high", reason)]


def test_payload_swapped_under_a_valid_signature_is_invalid(tmp_path: Path) -> None:
    """An attacker rewrites the statement to match a tampered model: the digests agree
    with the disk, but the DSSE signature no longer verifies."""
    root, _, _ = key_signed(tmp_path)
    sig = root / "models" / "clf.pkl.sig"
    other = tmp_path / "evil.pkl"
    other.write_bytes(b"evil")
    priv2, _ = key_pair(tmp_path / "attacker")
    sign_with_key(other, tmp_path / "evil.sig", priv2)
    evil_payload = json.loads((tmp_path / "evil.sig").read_text())["dsseEnvelope"]["payload"]
    edit_bundle(sig, lambda d: d["dsseEnvelope"].update(payload=evil_payload))
    (root / "models" / "clf.pkl").write_bytes(b"evil")
    m = model(facts(root), "models/clf.pkl")
    assert m["manifest_diff"]["changed"] == []
    assert (m["verification"]["status"], m["verification"]["reason"]) == (
        "failed", "signature-invalid",
    )


# --------------------------------------------------------------------- unsigned
def test_unsigned_models_default_scope(tmp_path: Path) -> None:
    root = project(tmp_path)
    # the project signs models (a model-signing dependency); without any sign of signing
    # MLS-SIG-001 stays silent (tests/collectors/test_signing_evidence.py)
    (root / "requirements.txt").write_text("model-signing==1.1.1\n", encoding="utf-8")
    (root / "tests" / "data").mkdir(parents=True)
    (root / "tests" / "data" / "tiny.pkl").write_bytes(b"x")
    for d in ("serving/model", "mlruns/0/abc/artifacts/model"):
        (root / d).mkdir(parents=True)
        (root / d / "MLmodel").write_text("flavors: {}\n", encoding="utf-8")
        (root / d / "model.pkl").write_bytes(b"x")
    findings = sig_findings(root)
    # models/bert has no marker and no signature: its files are separate artifacts;
    # run outputs of a local tracking store (mlruns/) are not deployable models
    assert summary(findings) == [
        ("MLS-SIG-001", "models/bert/model.safetensors", "high", ""),
        ("MLS-SIG-001", "models/clf.pkl", "high", ""),
        ("MLS-SIG-001", "serving/model", "high", ""),
    ]
    msgs = {f.location.path: f.message for f in findings}
    assert msgs["models/clf.pkl"] == (
        "Model models/clf.pkl (pickle) has no signature (looked for models/clf.pkl.sig, "
        "models/clf.pkl.sigstore.json); it is a model artifact in a model location of a "
        "project that signs models (requirements.txt L1: model-signing)"
    )


def test_required_globs_decide_which_models_must_be_signed(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "release").mkdir()
    (root / "release" / "scorer.tflite").write_bytes(b"tfl3")
    (root / "release" / "README.md").write_text("notes\n", encoding="utf-8")
    write_config(root, {"required": ["release/**"]})
    f = facts(root)
    assert [(m["path"], m["required"]) for m in f["models"]] == [
        ("models/bert/model.safetensors", False),
        ("models/clf.pkl", False),
        ("release/README.md", True),
        ("release/scorer.tflite", True),
    ]
    assert summary(sig_findings(root)) == [
        ("MLS-SIG-001", "release/README.md", "high", ""),
        ("MLS-SIG-001", "release/scorer.tflite", "high", ""),
    ]


# ----------------------------------------------------------------- certificates
def test_certificate_signed_model(tmp_path: Path) -> None:
    root = project(tmp_path)
    ca_key, ca = make_ca()
    leaf_key, leaf = make_leaf(ca_key, ca)
    certs = tmp_path / "pki"
    certs.mkdir()
    key_path = write_private(certs / "leaf.pem", leaf_key)
    sign_with_certificate(
        root / "models" / "clf.pkl", root / "models" / "clf.pkl.sig", key_path,
        write_cert(certs / "leaf.crt", leaf), [write_cert(certs / "ca.crt", ca)],
    )
    (root / "pki").mkdir()
    write_cert(root / "pki" / "ca.crt", ca)
    write_config(root, {"trusted_certificates": ["pki/ca.crt"]})
    m = model(facts(root), "models/clf.pkl")
    assert m["verification"]["status"] == "verified"
    assert m["verification"]["signer_kind"] == "certificate"
    assert m["verification"]["identity"] == "ml-release@acme.example"
    assert m["signature"]["signer"]["certificates"] == 2

    _, other_ca = make_ca("someone-else")
    write_cert(root / "pki" / "ca.crt", other_ca)
    m = model(facts(root), "models/clf.pkl")
    assert (m["verification"]["status"], m["verification"]["reason"]) == (
        "failed", "untrusted-certificate",
    )


# ---------------------------------------------------------------------- keyless
def keyless_project(tmp_path: Path, **sign_kwargs: Any) -> tuple[Path, OfflineSigstore]:
    root = project(tmp_path)
    instance = OfflineSigstore.create(sign_kwargs.pop("base_url", "https://rekor.mlscan.test"))
    instance.sign_model(root / "models" / "bert", root / "models" / "bert.sigstore.json",
                        **sign_kwargs)
    instance.write_trusted_root(root / "trusted_root.json")
    (root / "models" / "clf.pkl").unlink()
    write_config(root, {
        "trust_root": "trusted_root.json",
        "trusted_identities": [{"identity": GOOD_IDENTITY, "issuer": GITHUB_ISSUER}],
    })
    return root, instance


def test_keyless_signature_verifies_against_pinned_root(tmp_path: Path) -> None:
    root, _ = keyless_project(tmp_path)
    m = model(facts(root), "models/bert")
    assert m["signature_path"] == "models/bert.sigstore.json"
    v = m["verification"]
    assert (v["status"], v["reason"], v["signer_kind"]) == ("verified", "verified", "keyless")
    assert (v["identity"], v["issuer"]) == (GOOD_IDENTITY, GITHUB_ISSUER)
    assert m["trust_root"] == {"kind": "pinned", "pinned_path": "trusted_root.json",
                               "staging": False}
    assert m["tlog_entries"] == 1
    assert m["signature"]["tlog"][0]["kind"] == "dsse"
    assert sig_findings(root) == []


@pytest.mark.parametrize(
    ("identity", "issuer", "reason"),
    [
        ("https://github.com/evil/fork/.github/workflows/release.yml@refs/heads/main",
         GITHUB_ISSUER, "identity-mismatch"),
        (GOOD_IDENTITY, "https://accounts.example.com", "issuer-mismatch"),
    ],
    ids=["wrong-identity", "wrong-issuer"],
)
def test_keyless_wrong_signer(tmp_path: Path, identity: str, issuer: str, reason: str) -> None:
    root, _ = keyless_project(tmp_path, identity=identity, issuer=issuer)
    findings = sig_findings(root)
    assert summary(findings) == [("MLS-SIG-003", "models/bert.sigstore.json", "high", reason)]
    assert findings[0].evidence["identity"] == identity
    assert findings[0].evidence["issuer"] == issuer


def test_keyless_failed_tlog_proof(tmp_path: Path) -> None:
    root, _ = keyless_project(tmp_path)

    def break_root_hash(doc: dict[str, Any]) -> None:
        proof = doc["verificationMaterial"]["tlogEntries"][0]["inclusionProof"]
        proof["rootHash"] = flip_b64(proof["rootHash"], 3)

    edit_bundle(root / "models" / "bert.sigstore.json", break_root_hash)
    findings = sig_findings(root)
    assert summary(findings) == [
        ("MLS-SIG-003", "models/bert.sigstore.json", "high", "tlog-invalid"),
    ]
    assert "transparency-log proof failed" in findings[0].message


def test_keyless_forged_inclusion_promise(tmp_path: Path) -> None:
    root, _ = keyless_project(tmp_path)

    def break_set(doc: dict[str, Any]) -> None:
        promise = doc["verificationMaterial"]["tlogEntries"][0]["inclusionPromise"]
        promise["signedEntryTimestamp"] = flip_b64(promise["signedEntryTimestamp"], 12)

    edit_bundle(root / "models" / "bert.sigstore.json", break_set)
    v = model(facts(root), "models/bert")["verification"]
    assert (v["status"], v["reason"]) == ("failed", "tlog-invalid")


def test_keyless_without_tlog_entry(tmp_path: Path) -> None:
    root, _ = keyless_project(tmp_path, with_tlog=False)
    assert summary(sig_findings(root)) == [
        ("MLS-SIG-003", "models/bert.sigstore.json", "high", "tlog-missing"),
        ("MLS-SIG-004", "models/bert.sigstore.json", "medium", ""),
    ]


def test_keyless_from_an_untrusted_ca(tmp_path: Path) -> None:
    root, _ = keyless_project(tmp_path)
    OfflineSigstore.create().write_trusted_root(root / "trusted_root.json")  # other instance
    v = model(facts(root), "models/bert")["verification"]
    assert (v["status"], v["reason"]) == ("failed", "untrusted-certificate")


def test_keyless_against_sigstore_bundled_root_offline(tmp_path: Path) -> None:
    root, _ = keyless_project(tmp_path)
    write_config(root, {"trusted_identities": [{"identity": GOOD_IDENTITY,
                                                "issuer": GITHUB_ISSUER}]})
    m = model(facts(root), "models/bert")
    assert m["trust_root"]["kind"] == "sigstore-bundled"
    assert (m["verification"]["status"], m["verification"]["reason"]) == (
        "failed", "untrusted-certificate",
    )


# ------------------------------------------------------------------ weak setups
def test_signature_inside_model_dir_and_ignored_files(tmp_path: Path) -> None:
    root = project(tmp_path)
    priv, pub = key_pair(tmp_path / "keys")
    bert = root / "models" / "bert"
    (bert / "MLmodel").write_text("flavors: {}\n", encoding="utf-8")
    (bert / "notes.pkl").write_bytes(b"unsigned extra")
    sign_with_key(bert, bert / "model.sig", priv,
                  ignore_paths=[Path("model.sig"), Path("notes.pkl")])
    shutil.copy(pub, root / "release.pub")
    write_config(root, {"trusted_keys": ["release.pub"]})
    m = model(facts(root), "models/bert")
    assert m["signature"]["source"] == "inside"
    assert m["signature_inside_model_dir"] is True
    assert m["ignored_files"] == ["models/bert/notes.pkl"]
    assert m["manifest_diff"]["added"] == []
    findings = [f for f in sig_findings(root) if f.control.id != "MLS-SIG-001"]
    assert sorted((f.control.id, f.location.path, f.evidence["weakness"]) for f in findings) == [
        ("MLS-SIG-004", "models/bert/model.sig", "ignored-files"),
        ("MLS-SIG-004", "models/bert/model.sig", "signature-inside"),
    ]


def test_staging_trust_root(tmp_path: Path) -> None:
    root, _ = keyless_project(tmp_path, base_url="https://rekor.sigstage.dev")
    m = model(facts(root), "models/bert")
    assert m["verification"]["status"] == "verified"
    assert m["trust_root"]["staging"] is True
    assert summary(sig_findings(root)) == [
        ("MLS-SIG-004", "models/bert.sigstore.json", "medium", ""),
    ]


# ------------------------------------------------------------------ other forms
def test_shard_serialization_compares(tmp_path: Path) -> None:
    import model_signing

    root, priv, _pub = key_signed(tmp_path)
    bert = root / "models" / "bert"
    (
        model_signing.signing.Config()
        .use_elliptic_key_signer(private_key=priv)
        .set_hashing_config(model_signing.hashing.Config().use_shard_serialization(shard_size=400))
        .sign(bert, root / "models" / "bert.sig")
    )
    m = model(facts(root), "models/bert")
    assert m["signature"]["serialization"]["method"] == "shards"
    assert m["signature"]["serialization"]["shard_size"] == 400
    # model.safetensors (1000 bytes) has 3 shards: compared by coverage only
    assert m["manifest_diff"]["not_compared"] == ["models/bert/model.safetensors"]
    assert m["manifest_diff"]["changed"] == []
    (bert / "config.json").write_text('{"hidden": 9}', encoding="utf-8")
    (bert / "model.safetensors").write_bytes(b"w" * 1200)
    diff = model(facts(root), "models/bert")["manifest_diff"]
    assert diff["changed"] == ["models/bert/config.json", "models/bert/model.safetensors"]


def test_legacy_digests_predicate_is_decoded(tmp_path: Path) -> None:
    import base64

    root = project(tmp_path)
    bert = root / "models" / "bert"
    statement = {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [
            {"name": "config.json",
             "digest": {"sha256": hashlib.sha256((bert / "config.json").read_bytes()).hexdigest()}},
            {"name": "model.safetensors", "digest": {"sha256": "00" * 32}},
        ],
        "predicateType": "https://model_signing/Digests/v0.1",
        "predicate": {},
    }
    bundle = {
        "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "verificationMaterial": {"publicKey": {}, "tlogEntries": []},
        "dsseEnvelope": {
            "payload": base64.b64encode(json.dumps(statement).encode()).decode(),
            "payloadType": "application/vnd.in-toto+json",
            "signatures": [{"sig": base64.b64encode(b"0" * 70).decode(), "keyid": ""}],
        },
    }
    (root / "models" / "bert.sig").write_text(json.dumps(bundle), encoding="utf-8")
    m = model(facts(root), "models/bert")
    assert m["signature"]["format"] == "model-signing-digests-v0.1"
    assert m["manifest_diff"]["changed"] == ["models/bert/model.safetensors"]
    assert m["manifest_diff"]["added"] == ["models/bert/tokenizer/vocab.txt"]
    assert m["verification"]["reason"] == "no-trusted-keys"


def test_configured_signature_path_and_orphans(tmp_path: Path) -> None:
    root, _priv, _ = key_signed(tmp_path)
    (root / "sigs").mkdir()
    (root / "models" / "bert.sig").rename(root / "sigs" / "bert-v1.sig")
    (root / "models" / "clf.pkl").rename(root / "models" / "clf2.pkl")
    write_config(root, {"trusted_keys": ["keys/release.pub"],
                        "signatures": {"models/bert/": "sigs/bert-v1.sig"}})
    f = facts(root)
    bert = model(f, "models/bert")
    assert (bert["signature_path"], bert["signature"]["source"]) == ("sigs/bert-v1.sig", "config")
    assert bert["verification"]["status"] == "verified"
    assert [o["path"] for o in f["orphan_signatures"]] == ["models/clf.pkl.sig"]
    assert model(f, "models/clf2.pkl")["signed"] is False


def test_facts_are_deterministic(tmp_path: Path) -> None:
    root, _, _ = key_signed(tmp_path)
    assert json.dumps(facts(root), sort_keys=True) == json.dumps(facts(root), sort_keys=True)


def test_signature_symlink_escaping_root_is_a_notification(tmp_path: Path) -> None:
    root, _, _ = key_signed(tmp_path)
    outside = tmp_path / "outside.sig"
    (root / "models" / "clf.pkl.sig").rename(outside)
    (root / "models" / "clf.pkl.sig").symlink_to(outside)
    fr = collect_facts((str(root),))
    m = model(fr.facts["signatures"], "models/clf.pkl")
    assert m["signed"] is False  # the escaping link is not part of the workspace
    assert any(n.path == "models/clf.pkl.sig" and n.kind == "symlink-escape"
               for n in fr.notifications)


def test_configured_signature_that_does_not_exist(tmp_path: Path) -> None:
    root, _, _ = key_signed(tmp_path)
    (root / "models" / "clf.pkl.sig").unlink()
    write_config(root, {"trusted_keys": ["keys/release.pub"],
                        "signatures": {"./models/clf.pkl": "sigs/clf.sig"}})
    fr = collect_facts((str(root),))
    assert model(fr.facts["signatures"], "models/clf.pkl")["signed"] is False
    assert [(n.path, n.kind) for n in fr.notifications if n.source == "signatures"] == [
        ("sigs/clf.sig", "missing-file"),
    ]
    assert summary(sig_findings(root)) == [("MLS-SIG-001", "models/clf.pkl", "high", "")]
