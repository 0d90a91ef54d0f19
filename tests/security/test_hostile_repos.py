"""Hostile repositories: one generator per input class. Each scan must exit 0 or 1 with
valid SARIF, keep the sentinel finding of a normal file in the same tree, and name the
hostile file in a notification. The tests check that a bound was enforced (the
notification), never how long it took; benchmarks/hostile.py measures time and memory.
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from mlscan.cli.main import cli
from tests.reporters.sarif_schema import validate
from tests.security.support import SENTINEL, plant_sentinel

Key = tuple[str, str, int | None]


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def limits(root: Path, **values: object) -> None:
    lines = ["limits:"] + [f"  {k}: {v}" for k, v in values.items()]
    (root / ".mlscan.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def sarif_scan(root: Path) -> tuple[set[Key], list[tuple[str, str]]]:
    """(results, notifications as (path, message)) of a CLI scan with SARIF output."""
    res = CliRunner().invoke(cli, ["scan", str(root), "--format", "sarif"])
    assert res.exit_code in (0, 1), res.output
    log = json.loads(res.stdout)
    validate(log)
    run = log["runs"][0]
    results: set[Key] = set()
    for r in run["results"]:
        loc = r["locations"][0]["physicalLocation"]
        line = (loc.get("region") or {}).get("startLine")
        results.add((r["ruleId"], unquote(loc["artifactLocation"]["uri"]), line))
    notes: list[tuple[str, str]] = []
    for inv in run.get("invocations", []):
        for n in inv.get("toolExecutionNotifications", []):
            for where in n.get("locations") or [{}]:
                uri = where.get("physicalLocation", {}).get("artifactLocation", {}).get("uri", "")
                notes.append((unquote(uri), n["message"]["text"]))
    return results, notes


def assert_bounded(root: Path, hostile: str, needle: str) -> set[Key]:
    results, notes = sarif_scan(root)
    assert SENTINEL in results, sorted(results)
    named = [m for p, m in notes if p == hostile]
    assert any(needle in m for m in named), (hostile, notes)
    return results


# ------------------------------------------------------------------ parser limits
CFN_HEAD = "AWSTemplateFormatVersion: '2010-09-09'\n"


def test_alias_bomb_cloudformation_never_reaches_checkov(tmp_path: Path) -> None:
    plant_sentinel(tmp_path)
    layers = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"] + [
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)
    ]
    write(tmp_path, {
        "infra/bomb.yaml": CFN_HEAD + "Metadata:\n" + "".join(f"  {x}\n" for x in layers)
        + "Resources:\n  B:\n    Type: AWS::S3::Bucket\n",
    })
    results = assert_bounded(tmp_path, "infra/bomb.yaml", "limits.max_yaml_aliases")
    assert not any(p == "infra/bomb.yaml" for _, p, _ in results)


def deep_cfn(levels: int) -> str:
    body = "x"
    for i in range(levels):
        body = f"{{k{i}: [{body}]}}"
    return (
        CFN_HEAD + "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n"
        f"      Tags:\n        - Key: a\n          Value: {body}\n"
    )


GOOD_CFN = (
    CFN_HEAD + "Resources:\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n"
    "      BucketName: acme-training-data\n"
)


def test_deep_nesting_over_the_limit_is_rejected_before_checkov(tmp_path: Path) -> None:
    plant_sentinel(tmp_path)
    write(tmp_path, {"infra/deep.yaml": deep_cfn(150), "infra/good.yaml": GOOD_CFN})
    limits(tmp_path, max_nesting_depth=100)
    results = assert_bounded(tmp_path, "infra/deep.yaml", "limits.max_nesting_depth")
    assert ("MLS-BKT-004", "infra/good.yaml", 3) in results


def test_deep_nesting_that_crashes_checkov_costs_only_that_template(tmp_path: Path) -> None:
    # with mlscan's own limit raised, 150 levels reach checkov and overflow its recursive
    # runner: the bounded worker retries file by file, so the good template keeps its
    # findings and the deep one is a notification
    plant_sentinel(tmp_path)
    write(tmp_path, {"infra/deep.yaml": deep_cfn(150), "infra/good.yaml": GOOD_CFN})
    limits(tmp_path, max_nesting_depth=400)
    results = assert_bounded(tmp_path, "infra/deep.yaml", "checkov")
    assert ("MLS-BKT-004", "infra/good.yaml", 3) in results


def test_huge_compose_file_is_over_the_yaml_size_limit(tmp_path: Path) -> None:
    plant_sentinel(tmp_path)
    services = "".join(f"  s{i}:\n    image: nginx:{i}\n" for i in range(400))
    write(tmp_path, {"docker-compose.yml": "services:\n" + services})
    limits(tmp_path, max_yaml_size=4096)
    assert_bounded(tmp_path, "docker-compose.yml", "limits.max_yaml_size")


def test_huge_terraform_is_over_the_hcl_size_limit(tmp_path: Path) -> None:
    plant_sentinel(tmp_path)
    blocks = "".join(
        f'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "acme-{i}"\n}}\n' for i in range(200)
    )
    write(tmp_path, {"main.tf": blocks})
    limits(tmp_path, max_hcl_size=4096)
    assert_bounded(tmp_path, "main.tf", "limits.max_hcl_size")


def test_padded_public_bucket_policy_is_noted_not_skipped(tmp_path: Path) -> None:
    plant_sentinel(tmp_path)
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": "arn:aws:s3:::acme-models/*"}],
        "Padding": "x" * 8192,
    }
    write(tmp_path, {"policies/models-bucket.json": json.dumps(policy)})
    limits(tmp_path, max_json_size=4096)
    assert_bounded(tmp_path, "policies/models-bucket.json", "limits.max_json_size")


# ------------------------------------------------------------------------- paths
@pytest.mark.skipif(os.name != "posix", reason="byte file names are POSIX")
def test_non_utf8_file_and_folder_names(tmp_path: Path) -> None:
    plant_sentinel(tmp_path)
    root = os.fsencode(tmp_path)
    os.makedirs(root + b"/models\xff")
    with open(root + b"/models\xff/Dockerfile", "w", encoding="utf-8") as fh:
        fh.write('FROM python:3.12-slim\nCMD ["mlflow", "server", "--host", "0.0.0.0"]\n')
    with open(root + b"/caf\xe9.py", "w", encoding="utf-8") as fh:
        fh.write("import pickle\nmodel = pickle.load(open('m.pkl', 'rb'))\n")
    results, notes = sarif_scan(tmp_path)
    assert SENTINEL in results
    # carried to the engine and back, shown with \x escapes
    assert ("MLS-MLF-001", "models\\xff/Dockerfile", 2) in results
    assert ("MLS-SRV-005", "caf\\xe9.py", 2) in results
    assert {p for p, m in notes if "not valid UTF-8" in m} == {"caf\\xe9.py", "models\\xff"}


def test_unreadable_directory_is_a_notification(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the tests run as root, which lists any directory whatever its mode; make listing
    # one folder fail the way it does for a database volume owned by another user
    plant_sentinel(tmp_path)
    write(tmp_path, {"pgdata/base/1/table": "x", "serve/app.py": "import pickle\n"
                     "model = pickle.load(open('m.pkl', 'rb'))\n"})
    real_scandir = os.scandir
    locked = str((tmp_path / "pgdata").resolve())

    def scandir(path: Any = ".") -> Any:
        if os.fspath(path) == locked:
            raise PermissionError(13, "Permission denied", locked)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    results, notes = sarif_scan(tmp_path)
    assert SENTINEL in results
    assert ("MLS-SRV-005", "serve/app.py", 2) in results
    assert ("pgdata", "directory cannot be listed (Permission denied)") in notes


# -------------------------------------------------------- one failing file per collector
def _raise_for(target: str, fn: Callable[..., Any], arg: int = 0) -> Callable[..., Any]:
    """``fn``, except that it raises when its ``arg``-th argument names ``target``."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        value = args[arg]
        rel = getattr(value, "path", value)
        if rel == target:
            raise RuntimeError("injected failure")
        return fn(*args, **kwargs)

    return wrapper


COMPOSE = (
    "services:\n  tracking:\n    image: ghcr.io/mlflow/mlflow:v2.9.2\n"
    "    command: mlflow server --host 0.0.0.0\n"
)
PICKLE_LOAD = "import pickle\nmodel = pickle.load(open('m.pkl', 'rb'))\n"
MLMODEL = (
    "flavors:\n  python_function:\n    loader_module: mlflow.sklearn\n  sklearn:\n"
    "    pickled_model: model.pkl\n    serialization_format: cloudpickle\nsignature:\n"
    "  inputs: '[{\"name\": \"age\", \"type\": \"long\"}]'\n"
)
DVC_SECRET = (
    "['remote \"prod\"']\n    url = s3://acme-data/dvc\n    secret_access_key = FAKEKEY\n"
)

# collector -> (files, hostile file, "module:function" to break, index of its path argument,
# the good file's exact finding)
CASES: dict[str, tuple[dict[str, str], str, str, int, Key]] = {
    "mlflow": (
        {"deploy/compose.yaml": COMPOSE, "bad/compose.yaml": COMPOSE},
        "bad/compose.yaml", "mlscan.collectors.mlflow.collector:_from_yaml", 0,
        ("MLS-MLF-001", "deploy/compose.yaml", 4),
    ),
    "serving_code": (
        {"serve/app.py": PICKLE_LOAD, "serve/bad.py": PICKLE_LOAD},
        "serve/bad.py", "mlscan.collectors.serving.code:calls_in_source", 1,
        ("MLS-SRV-005", "serve/app.py", 2),
    ),
    "artifacts": (
        {"models/credit/MLmodel": MLMODEL, "models/credit/model.pkl": "",
         "models/bad/MLmodel": MLMODEL, "models/bad/model.pkl": ""},
        "models/bad/MLmodel", "mlscan.collectors.artifacts.collector:mlmodel_fact", 1,
        ("MLS-MOD-004", "models/credit/MLmodel", 6),
    ),
    "privacy": (
        {"models/credit/MLmodel": MLMODEL, "models/credit/model.pkl": "",
         "models/bad/MLmodel": MLMODEL, "models/bad/model.pkl": ""},
        "models/bad/MLmodel", "mlscan.collectors.privacy.collector:_mlmodel", 1,
        ("MLS-PRV-005", "models/credit/MLmodel", 8),
    ),
    "datasets": (
        {"data/customers.csv": "id,email\n1,a@example.com\n",
         "data/bad.csv": "id,email\n1,b@example.com\n"},
        "data/bad.csv", "mlscan.collectors.datasets.collector:_tabular", 1,
        ("MLS-PRV-001", "data/customers.csv", 1),
    ),
    "dvc": (
        {".dvc/config": DVC_SECRET, "data.dvc": "outs:\n- md5: 0\n  path: data\n",
         "bad.dvc": "outs:\n- md5: 0\n  path: bad\n"},
        "bad.dvc", "mlscan.collectors.dvc.files:_FileParser.dvc_file", 1,
        ("MLS-DVC-004", ".dvc/config", 3),
    ),
    "iac": (
        {"infra/good.yaml": GOOD_CFN, "infra/bad.yaml": GOOD_CFN},
        "infra/bad.yaml", "mlscan.collectors.iac.collector:_one_file", 3,
        ("MLS-BKT-004", "infra/good.yaml", 3),
    ),
}


@pytest.mark.parametrize("collector", sorted(CASES))
def test_a_failing_file_costs_only_itself(
    collector: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files, hostile, target, arg, good = CASES[collector]
    plant_sentinel(tmp_path)
    write(tmp_path, files)
    module_name, _, qualname = target.partition(":")
    owner: Any = importlib.import_module(module_name)
    *parents, attr = qualname.split(".")
    for name in parents:
        owner = getattr(owner, name)
    monkeypatch.setattr(owner, attr, _raise_for(hostile, getattr(owner, attr), arg))
    results, notes = sarif_scan(tmp_path)
    assert good in results, sorted(results)
    assert SENTINEL in results
    assert any(p == hostile and "RuntimeError: injected failure" in m for p, m in notes), notes


def test_robustness_keeps_the_good_workflow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlscan.collectors.robustness import collector as rob
    from mlscan.scan import collect_facts

    step = "jobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: textattack attack\n"
    write(tmp_path, {".github/workflows/good.yml": step, ".github/workflows/bad.yml": step})
    monkeypatch.setattr(rob, "_workflow", _raise_for(".github/workflows/bad.yml", rob._workflow, 1))
    fr = collect_facts((str(tmp_path),))
    evidence = [
        (e["kind"], e["tool"], e["loc"]["path"]) for e in fr.facts["robustness"]["evidence"]
    ]
    assert evidence == [("ci-step", "textattack", ".github/workflows/good.yml")]
    assert [n.kind for n in fr.notifications if n.path == ".github/workflows/bad.yml"] == [
        "file-error"]


# ------------------------------------------------ real inputs that used to crash a collector
def test_real_failing_inputs_keep_their_neighbours(tmp_path: Path) -> None:
    plant_sentinel(tmp_path)
    deep = "[" * 300 + "]" * 300
    write(tmp_path, {
        # datasets: a deeply nested and a huge-number JSON Lines record
        "data/events.jsonl": '{"email": "a@example.com"}\n'
        + '{"x": ' + deep + "}\n" + '{"n": ' + "9" * 5000 + "}\n",
        # privacy: signature.inputs that is not a list of columns
        "models/odd/MLmodel": "flavors: {}\nsignature:\n  inputs: '7'\n",
        "models/odd/model.pkl": "",
        "models/credit/MLmodel": MLMODEL,
        "models/credit/model.pkl": "",
        # dvc: an interpolation loop beside committed secrets
        ".dvc/config": "['remote \"prod\"']\n    url = s3://acme-data/dvc\n"
        "    secret_access_key = KEY%(access_key_id)s\n"
        "    access_key_id = %(secret_access_key)s\n",
    })
    results, notes = sarif_scan(tmp_path)
    assert {
        ("MLS-PRV-001", "data/events.jsonl", 1),
        ("MLS-PRV-005", "models/credit/MLmodel", 8),
        ("MLS-DVC-004", ".dvc/config", 3),
        ("MLS-DVC-004", ".dvc/config", 4),
        SENTINEL,
    } <= results
    assert any(p == "data/events.jsonl" and "limits.max_nesting_depth" in m for p, m in notes)
    assert any(p == ".dvc/config" and "interpolation" in m for p, m in notes)
