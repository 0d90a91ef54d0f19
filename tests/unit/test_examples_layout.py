"""The example projects are complete, parse, and keep the promises their READMEs make.

* every variant has its required files; JSON / YAML / INI / HCL / .mlscan.yaml all parse;
* the md5 recorded in ``dvc.lock`` and ``*.dvc`` is the md5 of the file in the tree, except
  the one planted tampering in ``registry-hardening/insecure``;
* the planted DVC defects are in the insecure variants and absent from the hardened ones;
* each oracle row in a scenario README points at a line that holds its evidence;
* hardened signatures verify with model-signing, the tampered one does not;
* real DVC sees the hardened trees as up to date and the tampered output as modified;
* nothing under ``examples/`` is git-ignored; secrets are obviously fake.

Model files are never loaded: pickles are inspected with ``pickletools.genops`` only.
"""

from __future__ import annotations

import configparser
import hashlib
import importlib.util
import io
import json
import os
import pickletools
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from configobj import ConfigObj

from mlscan.config import parse_config

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
SCENARIOS = ("sentiment-api", "registry-hardening", "credit-fraud-platform")
VARIANTS = tuple(f"{s}/{v}" for s in SCENARIOS for v in ("insecure", "hardened"))
TAMPERED = ("registry-hardening/insecure", "models/model.pkl")

COMMON = (
    "README.md", ".dvc/config", ".dvc/.gitignore", ".dvcignore", "dvc.yaml", "dvc.lock",
    "params.yaml", "infra", "policies", "src",
)
REQUIRED: dict[str, tuple[str, ...]] = {
    "sentiment-api/insecure": (
        ".dvc/config.local", "data/reviews.csv", "data/reviews.csv.dvc", "data/lexicon.csv.dvc",
        "data/README.md", "models/sentiment/MLmodel", "models/sentiment/model.pkl",
        "models/sentiment/requirements.txt", "deploy/docker-compose.yml", "k8s/serving.yaml",
        "serving/app.py", "infra/main.tf", "infra/iam.tf", "policies/training-data-bucket.json",
    ),
    "sentiment-api/hardened": (
        ".mlscan.yaml", "keys/model-signing.pub", "data/reviews.csv", "data/reviews.csv.dvc",
        "data/lexicon.csv.dvc", "data/stopwords-en.txt.dvc", "data/README.md",
        "models/sentiment/MLmodel", "models/sentiment/model.onnx",
        "models/sentiment/requirements.txt", "models/sentiment/conda.yaml",
        "models/sentiment/python_env.yaml", "models/sentiment.sig",
        "deploy/docker-compose.yml", "deploy/basic_auth.ini", "k8s/serving.yaml",
        "serving/app.py", "src/robustness.py", ".github/workflows/train.yml", "infra/main.tf",
        "infra/iam.tf", "policies/training-data-bucket.json",
    ),
    "registry-hardening/insecure": (
        ".mlscan.yaml", "keys/model-signing.pub", "data/churn.csv.dvc", "models/model.pkl",
        "models/churn-classifier/MLmodel", "models/churn-classifier/model.pkl",
        "models/churn-classifier.sig", "models/demand-forecast/MLmodel",
        "models/demand-forecast/python_model.pkl", "deploy/docker-compose.yml",
        "deploy/basic_auth.ini", "k8s/mlflow.yaml", "infra/artifacts.tf",
        "policies/mlflow-artifacts-bucket.json",
    ),
    "registry-hardening/hardened": (
        ".mlscan.yaml", "keys/model-signing.pub", "data/churn.csv.dvc",
        "models/model.safetensors", "models/model.safetensors.sig",
        "models/churn-classifier/MLmodel", "models/churn-classifier/model.onnx",
        "models/churn-classifier.sig", "models/demand-forecast/MLmodel",
        "models/demand-forecast/model.onnx", "models/demand-forecast.sig",
        "deploy/docker-compose.yml", "deploy/basic_auth.ini", "k8s/mlflow.yaml",
        "infra/artifacts.tf", "policies/mlflow-artifacts-bucket.json",
    ),
    "credit-fraud-platform/insecure": (
        ".mlscan.yaml", "data/applicants.csv", "data/transactions.csv",
        "data/sanctions_list.csv.dvc", "models/credit/model.joblib", "models/fraud/model.pt",
        "serving/credit_inference.py", "serving/fraud_inference.py", "infra/shared.tf",
        "infra/credit_scoring.tf", "infra/fraud_detection.tf",
        "policies/training-data-bucket.json",
    ),
    "credit-fraud-platform/hardened": (
        ".mlscan.yaml", "keys/model-signing.pub", "data/applicants.csv", "data/README.md",
        "data/sanctions_list.csv.dvc", "data/bureau_scores.csv.dvc",
        "models/credit/MLmodel", "models/credit/model.onnx", "models/credit.sig",
        "models/fraud/model.safetensors", "models/fraud/model.safetensors.sig",
        "serving/credit_inference.py", "serving/fraud_inference.py", "src/robustness.py",
        ".github/workflows/train.yml", "infra/shared.tf", "infra/credit_scoring.tf",
        "infra/fraud_detection.tf", "policies/training-data-bucket.json",
    ),
}
SIGNED = (
    "sentiment-api/hardened/models/sentiment",
    "credit-fraud-platform/hardened/models/credit",
    "credit-fraud-platform/hardened/models/fraud/model.safetensors",
    "registry-hardening/hardened/models/churn-classifier",
    "registry-hardening/hardened/models/demand-forecast",
    "registry-hardening/hardened/models/model.safetensors",
)


def _files(root: Path) -> list[Path]:
    """Files of the tree, without caches that running Python or DVC leaves behind."""
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
        and not any(a == ".dvc" and b in ("tmp", "cache") for a, b in zip(p.parts, p.parts[1:]))
    )


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def _load_generator() -> Any:
    spec = importlib.util.spec_from_file_location("examples_generate_models",
                                                  EXAMPLES / "generate_models.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------ completeness
@pytest.mark.parametrize("variant", VARIANTS)
def test_variant_has_required_files(variant: str) -> None:
    root = EXAMPLES / variant
    missing = [p for p in (*COMMON, *REQUIRED[variant]) if not (root / p).exists()]
    assert missing == []


def test_overview_and_scenario_readmes_exist() -> None:
    assert (EXAMPLES / "README.md").is_file()
    assert (EXAMPLES / "keys" / "README.md").is_file()
    for scenario in SCENARIOS:
        assert "<!-- oracle:insecure -->" in (EXAMPLES / scenario / "README.md").read_text()


def test_tree_is_small_and_avoids_ignored_directory_names() -> None:
    files = _files(EXAMPLES)
    assert sum(p.stat().st_size for p in files) < 1_000_000
    assert max(p.stat().st_size for p in files) < 64_000
    names = {part for p in files for part in p.relative_to(EXAMPLES).parts[:-1]}
    assert names.isdisjoint({"venv", ".venv", "build", "dist", "node_modules", ".git"})


def test_nothing_under_examples_is_git_ignored() -> None:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    rels = [p.relative_to(REPO).as_posix() for p in _files(EXAMPLES)]
    proc = subprocess.run(
        ["git", "-C", str(REPO), "check-ignore", "--no-index", "--stdin"],
        input="\n".join(rels), capture_output=True, text=True, check=False,
    )
    assert proc.stdout.split() == []


# ----------------------------------------------------------------------- parsing
def _by_suffix(*suffixes: str) -> list[Path]:
    return [p for p in _files(EXAMPLES) if p.name.endswith(suffixes)]


def test_json_files_parse() -> None:
    paths = _by_suffix(".json", ".sig")
    assert len(paths) >= 15
    for path in paths:
        json.loads(path.read_text(encoding="utf-8"))


def test_yaml_files_parse() -> None:
    paths = _by_suffix(".yaml", ".yml", ".lock", ".dvc", "MLmodel")
    paths = [p for p in paths if p.parent.name != ".dvc" or p.name != "config"]
    assert len(paths) >= 60
    for path in paths:
        docs = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        assert docs and all(d is not None for d in docs), path


def test_ini_and_dvc_configs_parse() -> None:
    for path in _by_suffix("basic_auth.ini"):
        cp = configparser.ConfigParser()
        cp.read_string(path.read_text(encoding="utf-8"))
        assert "mlflow" in cp
    for variant in VARIANTS:
        for name in ("config", "config.local"):
            path = EXAMPLES / variant / ".dvc" / name
            if path.exists():
                conf = ConfigObj(str(path), encoding="utf-8", raise_errors=True)
                assert any(k.startswith("remote ") for k in conf), path


def test_terraform_parses() -> None:
    hcl2 = pytest.importorskip("hcl2")
    paths = _by_suffix(".tf")
    assert len(paths) == 12
    policy_documents = {}
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            doc = hcl2.load(fh)
        for block in doc.get("data", []):
            if "aws_iam_policy_document" in block:
                variant = path.relative_to(EXAMPLES).parts[:2]
                policy_documents[variant] = policy_documents.get(variant, 0) + 1
    assert policy_documents == {tuple(v.split("/")): 1 for v in VARIANTS}


WITH_CONFIG = [v for v in VARIANTS if (EXAMPLES / v / ".mlscan.yaml").exists()]


@pytest.mark.parametrize("variant", WITH_CONFIG)
def test_mlscan_config_is_valid(variant: str) -> None:
    assert len(WITH_CONFIG) == 5
    raw = yaml.safe_load((EXAMPLES / variant / ".mlscan.yaml").read_text(encoding="utf-8"))
    config = parse_config(raw, f"{variant}/.mlscan.yaml")
    for key in config.signing.trusted_keys:
        key_path = EXAMPLES / variant / key
        assert key_path.read_bytes() == (EXAMPLES / "keys" / "model-signing.pub").read_bytes()


def test_credit_fraud_assets_and_impacts() -> None:
    for variant in ("insecure", "hardened"):
        path = EXAMPLES / "credit-fraud-platform" / variant / ".mlscan.yaml"
        config = parse_config(yaml.safe_load(path.read_text()), str(path))
        assert [(a.name, a.impact) for a in config.assets] == [
            ("credit-scoring", "critical"), ("fraud-detection", "high"),
        ]
    hardened = EXAMPLES / "registry-hardening/hardened/.mlscan.yaml"
    config = parse_config(yaml.safe_load(hardened.read_text()), str(hardened))
    assert config.signing.required == ("models/**",)
    assert config.signing.trusted_keys == ("keys/model-signing.pub",)


# -------------------------------------------------------------------- DVC hashes
def _recorded(variant: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(source file, entry kind, entry) for every deps/outs entry of the variant."""
    root = EXAMPLES / variant
    entries: list[tuple[str, str, dict[str, Any]]] = []
    lock = yaml.safe_load((root / "dvc.lock").read_text())
    for stage in lock["stages"].values():
        for kind in ("deps", "outs"):
            entries += [("dvc.lock", kind, e) for e in stage.get(kind, [])]
    for dvcfile in sorted(root.rglob("*.dvc")):
        if dvcfile.is_file():
            rel = dvcfile.relative_to(root).as_posix()
            doc = yaml.safe_load(dvcfile.read_text())
            base = dvcfile.parent.relative_to(root).as_posix()
            for e in doc.get("outs", []):
                entries.append((rel, "outs", {**e, "path": f"{base}/{e['path']}"}))
            entries += [(rel, "deps", e) for e in doc.get("deps", [])]
    return entries


@pytest.mark.parametrize("variant", VARIANTS)
def test_recorded_md5_matches_the_tree(variant: str) -> None:
    root = EXAMPLES / variant
    mismatched, checked = [], 0
    for _src, _kind, entry in _recorded(variant):
        local = root / entry["path"]
        if "md5" not in entry or "://" in entry["path"] or "repo" in entry:
            continue
        checked += 1
        assert local.is_file(), entry["path"]
        if _md5(local) != entry["md5"] or local.stat().st_size != entry["size"]:
            mismatched.append(entry["path"])
    assert checked >= 5
    expected = [TAMPERED[1]] if variant == TAMPERED[0] else []
    assert sorted(set(mismatched)) == expected


def test_tampered_output_records_the_original_bytes() -> None:
    gm = _load_generator()
    variant, rel = TAMPERED
    entry = next(e for _s, k, e in _recorded(variant) if k == "outs" and e["path"] == rel)
    recorded = gm.registry_model_pkl_recorded()
    on_disk = (EXAMPLES / variant / rel).read_bytes()
    assert entry["md5"] == hashlib.md5(recorded).hexdigest()
    assert entry["md5"] != _md5(EXAMPLES / variant / rel)
    assert entry["size"] == len(recorded) == len(on_disk)


@pytest.mark.parametrize("scenario", ("sentiment-api", "credit-fraud-platform"))
def test_planted_dvc_defects_only_in_insecure(scenario: str) -> None:
    def defects(variant: str) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {"no_hash": [], "http": [], "no_rev_lock": []}
        for src, kind, e in _recorded(f"{scenario}/{variant}"):
            if kind == "outs" and not ({"md5", "etag", "checksum"} & set(e)):
                found["no_hash"].append(f"{src}:{e['path']}")
            if kind == "deps" and "://" in e["path"] and not ({"md5", "etag", "checksum"} & set(e)):
                found["http"].append(f"{src}:{e['path']}")
            if kind == "deps" and "repo" in e and "rev_lock" not in e["repo"]:
                found["no_rev_lock"].append(src)
        return found

    insecure = defects("insecure")
    assert [len(v) for v in insecure.values()] == [1, 1, 1]
    assert insecure["http"][0].startswith("dvc.lock:http://")
    assert defects("hardened") == {"no_hash": [], "http": [], "no_rev_lock": []}
    for _src, kind, e in _recorded(f"{scenario}/hardened"):
        if kind == "deps" and "://" in e["path"]:
            assert e["path"].startswith("https://") and "checksum" in e


def test_dvc_gitignore_lists_config_local_only_in_hardened() -> None:
    for variant in VARIANTS:
        lines = (EXAMPLES / variant / ".dvc/.gitignore").read_text().split()
        assert ("/config.local" in lines) == variant.endswith("hardened"), variant
    locals_ = sorted(p.relative_to(EXAMPLES).as_posix() for p in EXAMPLES.rglob("config.local"))
    assert locals_ == ["sentiment-api/insecure/.dvc/config.local"]


def _dvc_scratch(variant: str, tmp_path: Path) -> Path:
    scratch = tmp_path / variant.replace("/", "-")
    shutil.copytree(EXAMPLES / variant, scratch)
    subprocess.run(["git", "init", "-q", str(scratch)], check=True)
    (scratch / ".dvc/config").write_text(
        f"[core]\n    remote = scratch\n['remote \"scratch\"']\n    url = {tmp_path / 'remote'}\n"
    )
    (scratch / ".dvc/config.local").unlink(missing_ok=True)
    return scratch


def _fill_cache(scratch: Path, path: str, md5: str, data: bytes) -> None:
    target = scratch / ".dvc/cache/files/md5" / md5[:2] / md5[2:]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def _dvc_status(scratch: Path, targets: list[str]) -> str:
    env = {**os.environ, "DVC_NO_ANALYTICS": "1", "DVC_NO_UPDATE_CHECK": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "dvc", "status", *targets], cwd=scratch, env=env,
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.slow
@pytest.mark.parametrize("variant", [v for v in VARIANTS if v.endswith("hardened")])
def test_real_dvc_sees_hardened_variants_up_to_date(variant: str, tmp_path: Path) -> None:
    pytest.importorskip("dvc")
    scratch = _dvc_scratch(variant, tmp_path)
    targets = ["dvc.yaml"]
    for src, kind, e in _recorded(variant):
        if kind == "outs" and "md5" in e:
            _fill_cache(scratch, e["path"], e["md5"], (scratch / e["path"]).read_bytes())
        if src.endswith(".dvc") and src not in targets:
            doc = yaml.safe_load((scratch / src).read_text())
            if not any("repo" in d for d in doc.get("deps", [])):  # repo imports need network
                targets.append(src)
    assert _dvc_status(scratch, targets).strip() == "Data and pipelines are up to date."


@pytest.mark.slow
def test_real_dvc_reports_the_tampered_output(tmp_path: Path) -> None:
    pytest.importorskip("dvc")
    gm = _load_generator()
    variant, rel = TAMPERED
    scratch = _dvc_scratch(variant, tmp_path)
    recorded = gm.registry_model_pkl_recorded()
    _fill_cache(scratch, rel, hashlib.md5(recorded).hexdigest(), recorded)
    out = _dvc_status(scratch, ["dvc.yaml"])
    assert re.search(r"modified:\s+models/model\.pkl", out), out


# ------------------------------------------------------------------- signatures
def _verify(model: Path, sig: Path) -> None:
    from model_signing import hashing, verifying

    verifying.Config().use_elliptic_key_verifier(
        public_key=EXAMPLES / "keys" / "model-signing.pub"
    ).set_hashing_config(
        hashing.Config().set_ignored_paths(paths=[], ignore_git_paths=False)
    ).verify(model, sig)


@pytest.mark.parametrize("rel", SIGNED)
def test_hardened_signatures_verify(rel: str) -> None:
    pytest.importorskip("model_signing")
    model = EXAMPLES / rel
    _verify(model, model.with_name(model.name + ".sig"))


def test_tampered_signature_fails_on_model_pkl_only() -> None:
    pytest.importorskip("model_signing")
    model = EXAMPLES / "registry-hardening/insecure/models/churn-classifier"
    with pytest.raises(ValueError, match=r"Hash mismatch for 'model\.pkl'") as info:
        _verify(model, model.with_name("churn-classifier.sig"))
    assert "MLmodel" not in str(info.value)


def test_signature_files_sit_beside_models_not_inside() -> None:
    sigs = sorted(p.relative_to(EXAMPLES).as_posix() for p in EXAMPLES.rglob("*.sig"))
    expected = sorted(f"{r}.sig" for r in SIGNED)
    expected.append("registry-hardening/insecure/models/churn-classifier.sig")
    assert sigs == sorted(expected)
    for sig in sigs:
        assert not (EXAMPLES / sig).parent.joinpath("MLmodel").exists(), sig


def test_unsigned_models_in_insecure_registry() -> None:
    models = EXAMPLES / "registry-hardening/insecure/models"
    assert not (models / "demand-forecast.sig").exists()
    assert not (models / "model.pkl.sig").exists()


# ----------------------------------------------------------- oracles and content
ROW = re.compile(r"^\| (MLS-[A-Z]+-\d{3}) \| `([^`]+)` \| (\d+|-) \| `([^`]*)` \| (.+) \|$")


def _oracle(scenario: str) -> list[tuple[str, str, str, str]]:
    text = (EXAMPLES / scenario / "README.md").read_text(encoding="utf-8")
    rows = []
    for block in re.findall(r"<!-- oracle:\w+ -->\n(.*?)<!-- /oracle -->", text, re.S):
        for line in block.splitlines()[2:]:
            m = ROW.match(line)
            assert m, line
            rows.append((m.group(1), m.group(2), m.group(3), m.group(4)))
    return rows


def _pickle_globals(data: bytes) -> list[str]:
    found, strings = [], []
    for op, arg, _pos in pickletools.genops(data):
        if op.name == "GLOBAL":
            found.append(str(arg).replace(" ", "."))
        elif op.name == "STACK_GLOBAL":
            found.append(f"{strings[-2]}.{strings[-1]}")
        elif op.name in ("SHORT_BINUNICODE", "BINUNICODE"):
            strings.append(str(arg))
    return found


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_oracle_rows_point_at_their_evidence(scenario: str) -> None:
    rows = _oracle(scenario)
    assert len(rows) >= 30
    root = EXAMPLES / scenario / "insecure"
    for control, rel, line, evidence in rows:
        path = root / rel
        assert path.exists(), (control, rel)
        if evidence.startswith("global:"):
            data = path.read_bytes()
            if zipfile.is_zipfile(path):
                with zipfile.ZipFile(io.BytesIO(data)) as zf:
                    data = zf.read("archive/data.pkl")
            assert evidence[len("global:"):] in _pickle_globals(data), (control, rel)
        elif line != "-":
            lines = path.read_text(encoding="utf-8").splitlines()
            assert evidence in lines[int(line) - 1], (control, rel, line, evidence)
        else:
            assert evidence == "-", (control, rel)
    # every primary row's control id is in the catalogue's id pattern and unique per location
    keys = [(c, f, ln, e) for c, f, ln, e in rows]
    assert len(keys) == len(set(keys))


def test_oracles_cover_most_of_the_catalogue() -> None:
    ids = {c for s in SCENARIOS for c, *_ in _oracle(s)}
    for family in ("DVC", "MLF", "MOD", "SIG", "BKT", "IAC", "SRV", "PRV", "ROB", "SUP"):
        assert any(i.startswith(f"MLS-{family}-") for i in ids), family
    assert {"MLS-DVC-007", "MLS-SIG-001", "MLS-SIG-002", "MLS-MOD-007"} <= ids


def test_personal_data_only_in_insecure_datasets() -> None:
    direct = {"email", "full_name", "date_of_birth", "national_id", "iban", "account_iban",
              "card_holder", "ssn"}
    for csv_path in EXAMPLES.rglob("*.csv"):
        lines = csv_path.read_text(encoding="utf-8").splitlines()
        assert len(lines) <= 31, csv_path  # header + at most 30 rows
        header = set(lines[0].split(","))
        if "/hardened/" in csv_path.as_posix():
            assert header.isdisjoint(direct), csv_path
    reviews = (EXAMPLES / "sentiment-api/insecure/data/reviews.csv").read_text()
    assert all(e.endswith("@example.com") for e in re.findall(r"[\w.]+@[\w.]+", reviews))


def test_hardened_dataset_cards_state_source_licence_consent_purpose() -> None:
    for variant in ("sentiment-api/hardened", "credit-fraud-platform/hardened"):
        card = (EXAMPLES / variant / "data/README.md").read_text().lower()
        for word in ("source", "licence", "consent", "purpose", "retention"):
            assert word in card, (variant, word)


def test_robustness_evaluation_only_in_hardened() -> None:
    for scenario, tool in (("sentiment-api", "textattack"), ("credit-fraud-platform", "art.")):
        for variant in ("insecure", "hardened"):
            root = EXAMPLES / scenario / variant
            stages = yaml.safe_load((root / "dvc.yaml").read_text())["stages"]
            workflow = (root / ".github/workflows/train.yml").read_text().lower()
            hardened = variant == "hardened"
            assert ("robustness" in stages) == hardened
            assert ("robustness" in workflow) == hardened
            if hardened:
                assert tool in (root / "src/robustness.py").read_text().lower()


def test_secrets_are_obviously_fake() -> None:
    text_files = [p for p in _files(EXAMPLES)
                  if p.suffix not in (".pkl", ".joblib", ".pt", ".onnx", ".safetensors")]
    keys = set()
    for path in text_files:
        keys |= set(re.findall(r"(?:AKIA|ASIA)[0-9A-Z]{12,20}", path.read_text(encoding="utf-8")))
    assert keys == {"AKIAEXAMPLEFAKE0000"}
    for path in text_files:
        if path.suffix == ".md":
            continue
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"(?:password|secret_access_key)[ \t]*[=:][ \t]*(\S+)", text, re.I):
            value = m.group(1)
            assert "FAKE" in value.upper() or value in ("password1234",) or value.startswith(
                ("${", "/run/")), (path, value)
    pem = (EXAMPLES / "keys/example-signing-key.pem").read_text()
    assert "BEGIN PRIVATE KEY" in pem
    assert "demos and tests only" in (EXAMPLES / "keys/README.md").read_text()


def test_serving_code_contrast() -> None:
    insecure = (EXAMPLES / "sentiment-api/insecure/serving/app.py").read_text()
    hardened = (EXAMPLES / "sentiment-api/hardened/serving/app.py").read_text()
    assert "pickle.load(" in insecure and "BaseModel" not in insecure
    assert "pickle" not in hardened and "class PredictRequest(BaseModel)" in hardened
    assert "onnxruntime" in hardened
