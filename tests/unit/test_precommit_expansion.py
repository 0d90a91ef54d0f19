"""Scans of named files (pre-commit): the files plus what they depend on, and no
collector for file types that were not passed."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mlscan.config import Config, SigningConfig
from mlscan.precommit import expand_paths
from tests.helpers import REPO, run_cli

FILES = {
    "data/train.csv.dvc": "outs:\n- md5: f69f5b72bc79a92dc70c63c9aa142e36\n  path: train.csv\n",
    "data/train.csv": "a,b\n",
    "data/images.dvc": "outs:\n- path: images\n",
    "data/images/1.png": "x",
    "data/images/2.png": "y",
    "data/escape.dvc": "outs:\n- path: ../../etc/passwd\n- path: /etc/passwd\n",
    "dvc.yaml": "stages: {}\n",
    "dvc.lock": "schema: '2.0'\n",
    "models/fraud/model.safetensors": "w",
    "models/fraud/model.safetensors.sig": "{}",
    "models/fraud/weights.dat": "w",
    "models/fraud/weights.dat.sig": "{}",
    "models/credit/MLmodel": "flavors: {}\n",
    "models/credit/model.pkl": "p",
    "models/credit/conda.yaml": "name: x\n",
    "models/credit.sig": "{}",
    "models/lonely.onnx": "o",
    "keys/model-signing.pub": "k",
    "policies/training-data-bucket.json": json.dumps(
        {
            "Statement": [
                {"Resource": ["arn:aws:s3:::acme-training", "arn:aws:s3:::acme-training/*"]}
            ]
        }
    ),
    "policies/unrelated.json": '{"name": "not a policy"}',
    "infra/buckets.tf": 'resource "aws_s3_bucket" "t" {\n  bucket = "acme-training"\n}\n',
    "infra/other.tf": 'resource "aws_s3_bucket" "o" {\n  bucket = "acme-other"\n}\n',
    "deploy/docker-compose.yml": (
        "services:\n  mlflow:\n    image: ghcr.io/mlflow/mlflow:v3.1.0\n"
        '    command: ["mlflow", "server", "--host", "0.0.0.0"]\n'
    ),
}
CONFIG = Config(signing=SigningConfig(trusted_keys=("keys/model-signing.pub",)))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for rel, text in FILES.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("named", "expected"),
    [
        (("data/train.csv.dvc",), ["data/train.csv", "data/train.csv.dvc"]),
        (
            ("data/images.dvc",),
            ["data/images.dvc", "data/images/1.png", "data/images/2.png"],
        ),
        (("data/escape.dvc",), ["data/escape.dvc"]),
        (("dvc.lock",), ["dvc.lock", "dvc.yaml"]),
        (
            ("models/fraud/model.safetensors",),
            [
                "keys/model-signing.pub",
                "models/fraud/model.safetensors",
                "models/fraud/model.safetensors.sig",
            ],
        ),
        (
            ("models/credit/model.pkl",),
            [
                "keys/model-signing.pub",
                "models/credit.sig",
                "models/credit/MLmodel",
                "models/credit/conda.yaml",
                "models/credit/model.pkl",
            ],
        ),
        (
            ("models/credit.sig",),
            [
                "keys/model-signing.pub",
                "models/credit.sig",
                "models/credit/MLmodel",
                "models/credit/conda.yaml",
                "models/credit/model.pkl",
            ],
        ),
        (("models/lonely.onnx",), ["models/lonely.onnx"]),
        # found by content (any name): its signature comes along like a .pkl's
        (
            ("models/fraud/weights.dat",),
            [
                "keys/model-signing.pub",
                "models/fraud/weights.dat",
                "models/fraud/weights.dat.sig",
            ],
        ),
        (
            ("policies/training-data-bucket.json",),
            # the bucket's module: every Terraform file of its folder
            ["infra/buckets.tf", "infra/other.tf", "policies/training-data-bucket.json"],
        ),
        (("policies/unrelated.json",), ["policies/unrelated.json"]),
        (("infra/other.tf",), ["infra/buckets.tf", "infra/other.tf"]),
        (("data/images",), ["data/images/1.png", "data/images/2.png"]),
    ],
)
def test_named_files_bring_in_their_dependencies(
    project: Path, named: tuple[str, ...], expected: list[str]
) -> None:
    assert expand_paths(project, named, CONFIG) == tuple(expected)


def test_a_changed_configuration_scans_everything(project: Path) -> None:
    assert expand_paths(project, ("data/train.csv.dvc", ".mlscan.yaml"), CONFIG) is None


def test_configured_signature_mapping_is_followed_both_ways(project: Path) -> None:
    (project / "sigs").mkdir()
    (project / "sigs" / "lonely.bundle").write_text("{}")
    cfg = Config(signing=SigningConfig(signatures={"models/lonely.onnx": "sigs/lonely.bundle"}))
    assert expand_paths(project, ("models/lonely.onnx",), cfg) == (
        "models/lonely.onnx",
        "sigs/lonely.bundle",
    )


def test_cli_with_file_names_reports_only_what_was_named(project: Path) -> None:
    named = run_cli("scan", "data/train.csv.dvc", "--format", "json", cwd=project)
    assert named.code == 0, named.err
    assert json.loads(named.out)["findings"] == []
    both = run_cli(
        "scan", "data/train.csv.dvc", "deploy/docker-compose.yml", "--format", "json", cwd=project
    )
    assert both.code == 1
    assert [
        (f["control"], f["location"]["path"], f["location"]["start_line"])
        for f in json.loads(both.out)["findings"]
    ] == [("MLS-MLF-001", "deploy/docker-compose.yml", 4)]


def test_a_named_dvc_file_brings_its_artifact_and_catches_a_changed_one(project: Path) -> None:
    (project / "data" / "train.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    res = run_cli("scan", "data/train.csv.dvc", "--format", "json", cwd=project)
    assert res.code == 1, res.err
    assert [
        (f["control"], f["location"]["path"], f["location"]["start_line"])
        for f in json.loads(res.out)["findings"]
    ] == [("MLS-DVC-007", "data/train.csv.dvc", 3)]


PROBE = """
import json, sys
from mlscan.collectors.registry import COLLECTORS
from mlscan.scan import collect_facts
fr = collect_facts(tuple(sys.argv[1:]))
heavy = sorted(
    m for m in sys.modules if m.split(".")[0] in ("checkov", "dvc", "sigstore", "model_signing")
)
print(json.dumps({
    "families": sorted(k for k in fr.facts if k != "schema_version"),
    "registered": sorted(c.family for c in COLLECTORS),
    "heavy_roots": sorted({m.split(".")[0] for m in heavy}),
    "files": [f.path for f in fr.workspace.files],
}))
"""


def _probe(project: Path, *names: str) -> dict[str, list[str]]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *names],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return dict(json.loads(proc.stdout))


def test_no_iac_file_staged_means_checkov_is_never_imported(project: Path) -> None:
    got = _probe(project, "data/train.csv.dvc", "models/fraud/model.safetensors")
    assert got["files"] == [
        "data/train.csv",
        "data/train.csv.dvc",
        "models/fraud/model.safetensors",
        "models/fraud/model.safetensors.sig",
    ]
    assert "checkov" not in got["heavy_roots"]
    assert "iac" not in got["families"] and "mlflow" not in got["families"]


def test_a_staged_terraform_file_runs_the_iac_collector_when_registered(project: Path) -> None:
    got = _probe(project, "infra/buckets.tf")
    assert got["files"] == ["infra/buckets.tf", "infra/other.tf"]  # its whole module
    if "iac" in got["registered"]:
        assert "iac" in got["families"]
        assert "checkov" in got["heavy_roots"]
    # the mlflow family reads Terraform too (ECS / Cloud Run / user_data servers); DVC does not
    assert "dvc" not in got["families"]



def test_a_named_model_file_is_verified_against_its_folders_signature(tmp_path: Path) -> None:
    """Only the model file is named (as pre-commit would pass it); its model folder's
    signature and the trusted key come along, so a tampered file is caught."""
    from tests.helpers import EXAMPLES

    project = tmp_path / "project"
    shutil.copytree(EXAMPLES / "credit-fraud-platform" / "hardened", project)
    clean = run_cli("scan", "models/credit/model.onnx", "--format", "json", cwd=project)
    assert clean.code == 0, clean.out + clean.err
    assert json.loads(clean.out)["findings"] == []
    with (project / "models" / "credit" / "model.onnx").open("ab") as fh:
        fh.write(b"tampered")
    res = run_cli("scan", "models/credit/model.onnx", "--format", "json", cwd=project)
    assert res.code == 1
    assert [
        (f["control"], f["location"]["path"]) for f in json.loads(res.out)["findings"]
    ] == [("MLS-SIG-002", "models/credit")]


def test_deployment_files_bring_in_what_decides_their_findings() -> None:
    apps = REPO / "tests" / "fixtures" / "serving" / "apps"
    deploy = REPO / "tests" / "fixtures" / "mlflow" / "deployments"
    cfg = Config()
    # a Procfile and the app it starts (not every app.py of the tree)
    assert expand_paths(apps, ("heroku_app/Procfile",), cfg) == (
        "heroku_app/Procfile",
        "heroku_app/app.py",
    )
    # an app and the Dockerfile elsewhere that starts it
    assert expand_paths(apps, ("ml_api/main.py",), cfg) == ("ml_api/main.py", "serve/Dockerfile")
    # Helm values and their chart; a Terraform file and its module's variable defaults
    assert expand_paths(deploy, ("charts/platform/values.yaml",), cfg) == (
        "charts/platform/Chart.yaml",
        "charts/platform/values.yaml",
    )
    # a Terraform file brings in its module (variable defaults feed image tags)
    assert expand_paths(deploy, ("infra/ecs.tf",), cfg) == (
        "infra/ecs.tf",
        "infra/helm.tf",
        "infra/platforms.tf",
        "infra/run.tf",
        "infra/vm.tf",
    )


def test_a_terraform_file_brings_in_the_modules_joined_by_local_calls() -> None:
    """Whether a gateway route reaches a model is decided across modules: a staged module
    file brings in its callers and the modules they call (not unrelated folders)."""
    gw = REPO / "tests" / "fixtures" / "serving" / "gateways" / "http_api"
    assert expand_paths(gw, ("modules/edge/main.tf",), Config()) == (
        "main.tf",
        "modules/edge/main.tf",
        "modules/endpoint/main.tf",
        "modules/mailer/main.tf",
        "modules/scorer/main.tf",
    )


def test_helm_values_read_by_terraform_and_the_module_that_reads_them() -> None:
    """A helm_release's templatefile() values and the Terraform that reads them decide the
    same finding: either one staged brings in the other."""
    forms = REPO / "tests" / "fixtures" / "mlflow" / "helm_forms"
    assert expand_paths(forms, ("values/registry.yaml.tftpl",), Config()) == (
        "tracking.tf",
        "values/registry.yaml.tftpl",
    )
    assert expand_paths(forms, ("tracking.tf",), Config()) == (
        "tracking.tf",
        "values/registry.yaml.tftpl",
    )


def test_hook_files_pattern_covers_the_deployment_file_kinds() -> None:
    import re

    import yaml

    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    rx = re.compile(hook["files"])
    for path in (
        "deploy/mlflow/values-prod.yaml",
        "helmfile.yaml",
        "ansible/roles/tracking/tasks/main.yml",
        "roles/tracking/templates/basic_auth.ini.j2",
        "Makefile",
        "heroku_app/Procfile",
        ".github/workflows/e2e.yml",
        "cloud/user-data.yaml",
        "ml_api/main.py",
        "environment.yml",
        "infra/values/mlflow.yaml.tftpl",
    ):
        assert rx.search(path), path


SECRET_FILES = {
    "deploy/.env": "MYSQL_PASSWORD=x\n",
    "deploy/docker-compose.yml": "services:\n  db:\n    env_file: ../shared/db.env\n",
    "deploy/notes.md": "n\n",
    "shared/db.env": "POSTGRES_PASSWORD=y\n",
    "charts/mlflow/Chart.yaml": "name: mlflow\n",
    "charts/mlflow/values.yaml": "minio: {}\n",
    "charts/mlflow/templates/minio.yaml": "x: {{ .Values.minio }}\n",
    "params.yaml": "featurize: {tokenizer: acme/tok}\n",
    "src/featurize.py": "params = load('params.yaml')\n",
    "src/other.py": "print(1)\n",
}


@pytest.mark.parametrize(
    ("named", "expected"),
    [
        # transitively: the compose file brings in the env_file it names
        (("deploy/.env",), ["deploy/.env", "deploy/docker-compose.yml", "shared/db.env"]),
        (
            ("deploy/docker-compose.yml",),
            ["deploy/.env", "deploy/docker-compose.yml", "shared/db.env"],
        ),
        (
            ("charts/mlflow/values.yaml",),
            [
                "charts/mlflow/Chart.yaml",  # the chart (appVersion, MLflow dependencies)
                "charts/mlflow/templates/minio.yaml",
                "charts/mlflow/values.yaml",
            ],
        ),
        (
            ("charts/mlflow/templates/minio.yaml",),
            [
                "charts/mlflow/Chart.yaml",  # through values.yaml
                "charts/mlflow/templates/minio.yaml",
                "charts/mlflow/values.yaml",
            ],
        ),
        (("src/featurize.py",), ["params.yaml", "src/featurize.py"]),
        (("src/other.py",), ["src/other.py"]),
    ],
)
def test_secrets_and_model_references_bring_in_what_links_them(
    tmp_path: Path, named: tuple[str, ...], expected: list[str]
) -> None:
    for rel, text in SECRET_FILES.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    assert expand_paths(tmp_path, named, Config()) == tuple(expected)


def test_a_swarm_stack_file_and_its_env_files_bring_in_each_other(tmp_path: Path) -> None:
    files = {
        "ops/.env": "REGISTRY_TOKEN=x\n",
        "ops/swarm_stack.yml": (
            "services:\n  api:\n    image: acme/api:1\n    env_file: ../shared/api.env\n"
        ),
        "ops/readme.md": "n\n",
        "shared/api.env": "API_KEY=y\n",
    }
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    both = ("ops/.env", "ops/swarm_stack.yml", "shared/api.env")
    assert expand_paths(tmp_path, ("ops/.env",), Config()) == both
    assert expand_paths(tmp_path, ("ops/swarm_stack.yml",), Config()) == both


def test_hook_pattern_names_stack_files() -> None:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    rx = re.compile(hook["files"])
    for path in ("swarm_stack.yml", "ops/docker-stack.yaml", "stack.yml", "compose.prod.yaml"):
        assert rx.search(path), path


def test_json_tfvars_and_the_module_bring_in_each_other() -> None:
    fixture = REPO / "tests" / "fixtures" / "iac" / "modules" / "tfvars_json"
    module = ("main.tf", "terraform.tfvars.json", "zz-release.auto.tfvars.json")
    assert expand_paths(fixture, ("zz-release.auto.tfvars.json",), Config()) == module
    assert expand_paths(fixture, ("main.tf",), Config()) == module


def test_training_scripts_and_bentofiles_bring_in_what_decides_their_findings() -> None:
    privacy = REPO / "tests" / "fixtures" / "privacy" / "protected"
    bento = REPO / "tests" / "fixtures" / "supply_chain" / "bento"
    cfg = Config()
    # a training script: the Makefile that runs it and the CSV it is run on
    assert expand_paths(privacy, ("pipeline/fit_default.py",), cfg) == (
        "Makefile",
        "datasets/credit_lines_q1.csv",
        "pipeline/fit_default.py",
    )
    # a bentofile: the requirements file it names as the Bento's environment
    assert expand_paths(bento, ("req/bentofile.yaml",), cfg) == (
        "req/bentofile.yaml",
        "req/requirements.txt",
    )


def test_python_modules_bring_in_their_importers_and_env_files() -> None:
    apis = REPO / "tests" / "fixtures" / "serving" / "python_apis"
    cfg = Config()
    # a registry loader: the app module importing it decides that it is on a serving
    # path, and the Dockerfile starting that app how it is bound
    assert expand_paths(apis, ("boxed/service/loader.py",), cfg) == (
        "boxed/Dockerfile",
        "boxed/service/loader.py",
        "boxed/service/main.py",
    )
    # an app reading its bind address from the environment: the .env above it
    assert expand_paths(apis, ("envbound/app/server.py",), cfg) == (
        "envbound/.env",
        "envbound/app/server.py",
    )


PIPELINE_FILES = {
    "dvc.yaml": "stages:\n  robustness:\n    cmd: python src/robustness.py models/m.onnx\n",
    "src/robustness.py": "import textattack\n",
    "src/unrelated.py": "print(1)\n",
    ".github/workflows/train.yml": "jobs:\n  t:\n    steps:\n      - run: dvc repro robustness\n",
    "Makefile": "eval:\n\tpython ./src/robustness.py\n",
    "models/churn/MLmodel": "flavors: {}\n",
    "models/churn/conda.yaml": "name: x\n",
    "models/churn/model.pkl": "p",
    "models/loose.yaml": "a: 1\n",
    "params.yaml": "train: {base_model: acme/m}\n",
    "src/train.py": "params = yaml.safe_load(open('params.yaml'))\n",
    "src/pkg/params.yaml": "x: 1\n",
    "src/pkg/job.py": "p = load('params.yaml')\n",
}


@pytest.mark.parametrize(
    ("named", "expected"),
    [
        # a pipeline brings in the scripts its commands run (robustness evidence)
        (("dvc.yaml",), ["dvc.yaml", "src/robustness.py"]),
        (("Makefile",), ["Makefile", "src/robustness.py"]),
        # a workflow that runs `dvc repro` brings in dvc.yaml, and so its scripts
        (
            (".github/workflows/train.yml",),
            [".github/workflows/train.yml", "dvc.yaml", "src/robustness.py"],
        ),
        # a file of an MLflow model directory brings in its MLmodel (and so the directory)
        (
            ("models/churn/conda.yaml",),
            ["models/churn/MLmodel", "models/churn/conda.yaml", "models/churn/model.pkl"],
        ),
        (("models/loose.yaml",), ["models/loose.yaml"]),
        # a staged params.yaml brings in the Python files below it that read params, and a
        # reader both params files it may read (the root's and its folder's), but not the
        # other readers of those
        (("params.yaml",), ["params.yaml", "src/pkg/job.py", "src/pkg/params.yaml",
                            "src/train.py"]),
        (("src/pkg/params.yaml",), ["params.yaml", "src/pkg/job.py", "src/pkg/params.yaml"]),
        (("src/pkg/job.py",), ["params.yaml", "src/pkg/job.py", "src/pkg/params.yaml"]),
    ],
)
def test_pipelines_model_folders_and_params_bring_in_what_their_facts_need(
    tmp_path: Path, named: tuple[str, ...], expected: list[str]
) -> None:
    for rel, text in PIPELINE_FILES.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    assert expand_paths(tmp_path, named, Config()) == tuple(expected)


DVC_CONFIG_FILES = {
    ".dvc/config": "[core]\n    remote = drive\n['remote \"drive\"']\n    url = gdrive://0folder\n",
    ".dvc/config.local": (
        "['remote \"drive\"']\n    gdrive_service_account_json_file_path = ../keys/sa.json\n"
    ),
    "keys/sa.json": "{}\n",
    "keys/unrelated.json": "{}\n",
    "sub/.dvc/config": (
        "['remote \"box\"']\n    url = ssh://host/store\n    keyfile = /home/ci/id\n"
    ),
}


@pytest.mark.parametrize(
    ("named", "expected"),
    [
        # a DVC config brings in the other config of its project and the key file named
        ((".dvc/config",), [".dvc/config", ".dvc/config.local", "keys/sa.json"]),
        ((".dvc/config.local",), [".dvc/config", ".dvc/config.local", "keys/sa.json"]),
        # a staged key file brings in the config that names it (and so its project)
        (("keys/sa.json",), [".dvc/config", ".dvc/config.local", "keys/sa.json"]),
        (("keys/unrelated.json",), ["keys/unrelated.json"]),
        # a key file outside the tree brings in nothing
        (("sub/.dvc/config",), ["sub/.dvc/config"]),
    ],
)
def test_dvc_configs_bring_in_their_sibling_and_key_files(
    tmp_path: Path, named: tuple[str, ...], expected: list[str]
) -> None:
    for rel, text in DVC_CONFIG_FILES.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    assert list(expand_paths(tmp_path, named, Config()) or ()) == expected


def test_hook_files_pattern_covers_both_dvc_configs() -> None:
    import re

    import yaml

    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    rx = re.compile(hook["files"])
    for path in (".dvc/config", ".dvc/config.local", "projects/a/.dvc/config.local"):
        assert rx.search(path), path
    assert not rx.search(".dvc/config.local.example")


MANIFEST_FILES = {
    "k8s/gateway.yaml": "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n",
    "k8s/route.yml": "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n",
    "k8s/notes.yaml": "owner: ml-platform\n",
    "k8s/other/svc.yaml": "apiVersion: v1\nkind: Service\n",
    "compose.yaml": "services: {}\n",
}


@pytest.mark.parametrize(
    ("named", "expected"),
    [
        # manifests of one folder reference each other by name (an HTTPRoute its Gateway)
        (("k8s/gateway.yaml",), ["k8s/gateway.yaml", "k8s/route.yml"]),
        (("k8s/route.yml",), ["k8s/gateway.yaml", "k8s/route.yml"]),
        (("k8s/notes.yaml",), ["k8s/notes.yaml"]),
        (("k8s/other/svc.yaml",), ["k8s/other/svc.yaml"]),
    ],
)
def test_a_kubernetes_manifest_brings_in_the_manifests_of_its_folder(
    tmp_path: Path, named: tuple[str, ...], expected: list[str]
) -> None:
    for rel, text in MANIFEST_FILES.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    assert expand_paths(tmp_path, named, Config()) == tuple(expected)


def test_env_files_and_app_runners_bring_in_the_app_they_bind() -> None:
    apis = REPO / "tests" / "fixtures" / "serving" / "python_apis"
    cfg = Config()
    # a .env brings in the modules below it that read the environment (their bind host)
    assert expand_paths(apis, ("envbound/.env",), cfg) == (
        "envbound/.env",
        "envbound/app/server.py",
    )
    # a script that runs an imported app brings in the app's module
    assert "runner/webapp.py" in expand_paths(apis, ("runner/run_site.py",), cfg)
    # uvicorn.run("service.app:api") names the module by string
    assert "strrun/service/app.py" in expand_paths(apis, ("strrun/run.py",), cfg)


def test_requirements_bring_in_the_bentofile_and_scripts_their_named_datasets() -> None:
    bento = REPO / "tests" / "fixtures" / "supply_chain" / "bento"
    privacy = REPO / "tests" / "fixtures" / "privacy" / "protected"
    cfg = Config()
    # a requirements file brings in the bentofile of its folder that names it
    assert expand_paths(bento, ("pinned/requirements.lock",), cfg) == (
        "pinned/bentofile.yaml",
        "pinned/requirements.lock",
    )
    # a training script brings in the dataset it names itself (argparse default)
    assert "datasets/claims_2022.csv" in expand_paths(privacy, ("pipeline/fit_claims.py",), cfg)
