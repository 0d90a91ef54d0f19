"""MLflow servers deployed through Helm, ECS, Cloud Run, CloudFormation, Ansible, cloud-init,
Makefiles, CI workflows and Jinja templates: one ``mlflow.servers[]`` fact shape for all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlscan.collectors.mlflow.cmd import is_placeholder
from mlscan.collectors.mlflow.deploy_helm import set_pairs
from mlscan.scan import ScanOptions, collect_facts, run

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "mlflow" / "deployments"


def _findings(root: Path) -> list[tuple[str, str, int | None]]:
    result = run(ScanOptions(paths=(str(root),)))
    return sorted(
        (f.control.id, f.location.path, f.location.start_line) for f in result.findings
    )


def _servers(root: Path) -> dict[str, dict[str, Any]]:
    facts = collect_facts((str(root),)).facts
    return {s["loc"]["path"]: s for s in facts["mlflow"]["servers"]}


def test_every_deployment_form_gives_findings_at_exact_lines() -> None:
    assert _findings(FIX) == [
        ("MLS-MLF-001", "Makefile", 4),
        ("MLS-MLF-001", "ansible/roles/tracking/tasks/main.yml", 5),
        ("MLS-MLF-001", "argocd/tracking-app.yaml", 8),
        ("MLS-MLF-001", "cfn/tracking.yaml", 13),
        ("MLS-MLF-001", "cloud/startup.tpl", 4),  # ${db_password} is no committed password
        ("MLS-MLF-001", "cloud/user-data.yaml", 3),
        ("MLS-MLF-001", "deploy/helmfile.yaml", 7),
        ("MLS-MLF-001", "deploy/mlflow/values-prod.yaml", 7),
        ("MLS-MLF-001", "infra/ecs.tf", 12),
        ("MLS-MLF-001", "infra/helm.tf", 8),
        ("MLS-MLF-001", "infra/platforms.tf", 9),  # App Runner start_command
        ("MLS-MLF-001", "infra/vm.tf", 7),
        ("MLS-MLF-001", "scripts/deploy.sh", 4),
        ("MLS-MLF-002", "deploy/mlflow/values-bitnami.yaml", 8),
        ("MLS-MLF-003", "deploy/mlflow/values-bitnami.yaml", 1),
        ("MLS-MLF-004", "deploy/mlflow/values-prod.yaml", 14),
        ("MLS-MLF-006", "deploy/mlflow/values-prod.yaml", 3),
        ("MLS-MLF-006", "environment.yml", 4),
        ("MLS-MLF-006", "infra/ecs.tf", 10),
        ("MLS-MLF-006", "infra/platforms.tf", 5),
        ("MLS-MLF-006", "infra/platforms.tf", 23),
    ]


def test_every_form_is_a_server_fact_with_its_source() -> None:
    servers = _servers(FIX)
    assert {p: s["source"] for p, s in servers.items()} == {
        ".github/workflows/e2e.yml": "github-workflow",
        "Makefile": "makefile",
        "ansible/roles/tracking/tasks/main.yml": "ansible",
        "ansible/roles/tracking/templates/tracking.service.j2": "systemd",
        "argocd/tracking-app.yaml": "argocd",
        "cfn/tracking.yaml": "cloudformation",
        "charts/platform/values.yaml": "helm-values",
        "cloud/startup.tpl": "template",
        "cloud/user-data.yaml": "cloud-init",
        "deploy/helmfile.yaml": "helmfile",
        "deploy/mlflow/values-bitnami.yaml": "helm-values",
        "deploy/mlflow/values-prod.yaml": "helm-values",
        "ecs/taskdef.json": "ecs",
        "infra/ecs.tf": "ecs",
        "infra/helm.tf": "terraform-helm",
        "infra/platforms.tf": "container-app",  # the last of two; both in the test below
        "infra/run.tf": "cloud-run",
        "infra/vm.tf": "terraform",
        "scripts/deploy.sh": "helm-set",
    }
    # the same keys whatever the source
    shapes = {frozenset(s) for s in servers.values()}
    assert len(shapes) == 1


def test_helm_values_facts() -> None:
    servers = _servers(FIX)
    prod = servers["deploy/mlflow/values-prod.yaml"]
    assert prod["chart"] == "community"
    assert prod["auth_setting"] == "auth.enabled"
    assert prod["auth_setting_value"] is False
    assert prod["service_type"] == "LoadBalancer"
    assert prod["backend_store_uri"] == "postgresql://tracker:***@tracking-db.prod.internal/runs"
    assert prod["mlflow_version"] == "2.8.1"
    assert "Tr4ck3rDbPass" not in str(prod)
    bitnami = servers["deploy/mlflow/values-bitnami.yaml"]
    assert (bitnami["chart"], bitnami["auth_enabled"], bitnami["service_type"]) == (
        "bitnami",
        True,
        "LoadBalancer",
    )
    umbrella = servers["charts/platform/values.yaml"]
    assert (umbrella["service"], umbrella["auth_enabled"]) == ("registry", True)


def test_container_platforms_in_terraform() -> None:
    facts = collect_facts((str(FIX),)).facts
    platforms = {
        (s["source"], s["loc"]["line"], s["auth_enabled"])
        for s in facts["mlflow"]["servers"]
        if s["path"] == "infra/platforms.tf"
    }
    assert platforms == {("app-runner", 9, False), ("container-app", 26, True)}


def test_terraform_image_tag_from_variable_default_and_docker_run_image() -> None:
    servers = _servers(FIX)
    assert servers["infra/ecs.tf"]["image"] == "ghcr.io/mlflow/mlflow:v2.10.0"
    assert servers["infra/ecs.tf"]["resource"] == "aws_ecs_task_definition.registry"
    assert servers["Makefile"]["image"] == "ghcr.io/mlflow/mlflow:v2.12.2"
    assert servers["Makefile"]["image_loc"]["line"] == 4


def test_placeholders_are_not_committed_passwords() -> None:
    for value in ("<password>", "${DB_PASSWORD}", "{{ admin_pw }}", "changeme", "xxx", "***"):
        assert is_placeholder(value), value
    for value in ("password1234", "Tr4ck3rDbPass", "hunter2"):
        assert not is_placeholder(value), value


def test_helm_set_pairs() -> None:
    tokens = ["helm", "install", "r", "c/mlflow", "--set", "a.b=1,c=x", "--set-string=d=e"]
    assert set_pairs(tokens) == [("a.b", "1"), ("c", "x"), ("d", "e")]


def test_unrelated_values_file_gives_no_server(tmp_path: Path) -> None:
    (tmp_path / "values.yaml").write_text("auth:\n  enabled: false\nreplicaCount: 2\n")
    (tmp_path / "Chart.yaml").write_text("apiVersion: v2\nname: web\nversion: 1.0.0\n")
    assert collect_facts((str(tmp_path),)).facts["mlflow"]["servers"] == []


def test_placeholder_word_is_a_separate_low_finding(tmp_path: Path) -> None:
    (tmp_path / "basic_auth.ini").write_text(
        "[mlflow]\ndefault_permission = NO_PERMISSIONS\nadmin_password = changeme\n"
    )
    result = run(ScanOptions(paths=(str(tmp_path),)))
    mlflow = [f for f in result.findings if f.control.id.startswith("MLS-MLF")]
    assert [(f.control.id, f.location.start_line, f.severity) for f in mlflow] == [
        ("MLS-MLF-002", 3, "low")
    ]
    assert "placeholder" in mlflow[0].message


def test_pip_pin_counts_only_in_a_script_that_starts_the_server(tmp_path: Path) -> None:
    (tmp_path / "run.sh").write_text(
        "#!/bin/sh\npip install mlflow==2.9.2 boto3\nmlflow server --host 127.0.0.1\n"
    )
    (tmp_path / "train.sh").write_text("#!/bin/sh\npip install mlflow==2.9.2\npython train.py\n")
    facts = collect_facts((str(tmp_path),)).facts
    assert [(v["path"], v["loc"]["line"], v["source"]) for v in facts["mlflow"]["versions"]] == [
        ("run.sh", 2, "pip")
    ]


def test_shell_variables_custom_images_and_argument_only_containers(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  tracking:\n    image: ghcr.io/mlflow/mlflow:v2.12.2\n"
        '    command: sh -c "mlflow server --host 0.0.0.0 $$AUTH_ARGS '
        '--backend-store-uri postgresql://u:$${POSTGRES_PASSWORD}@db/m"\n'
    )
    (tmp_path / "k.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: tracking\nspec:\n"
        "  template:\n    spec:\n      containers:\n        - name: server\n"
        "          image: acme/mlflow-server:1.0\n"
        '          args: ["--host=0.0.0.0", "--port=5000"]\n'
    )
    # auth may come from $$AUTH_ARGS and $${POSTGRES_PASSWORD} is a reference: no finding
    # there; the custom image's tag 1.0 is not an MLflow version; its arguments are a server
    assert _findings(tmp_path) == [("MLS-MLF-001", "k.yaml", 11)]
    compose = _servers(tmp_path)["docker-compose.yml"]
    assert (compose["auth_enabled"], compose["unresolved_arguments"]) == (None, ["$$AUTH_ARGS"])


def test_commented_helm_lines_and_unknown_charts(tmp_path: Path) -> None:
    (tmp_path / "setup.sh").write_text(
        "#!/bin/sh\n# helm install tracking community-charts/mlflow\n"
        "helm install tracking someone/mlflow --set image.tag=2.12.2\n"
    )
    servers = collect_facts((str(tmp_path),)).facts["mlflow"]["servers"]
    # the commented line runs nothing; an unknown chart's default authentication is unknown
    assert [(s["loc"]["line"], s["chart"], s["auth_enabled"]) for s in servers] == [
        (3, "other", None)
    ]
    assert _findings(tmp_path) == []


def test_start_up_script_pins_the_version_of_the_server_it_starts() -> None:
    """``pip install mlflow==X`` in the user_data that starts ``mlflow server`` is that
    server's version (at its own line); the same pin in a training VM's script is a client."""
    root = FIX.parent / "user_data"
    assert _findings(root) == [("MLS-MLF-006", "main.tf", 10)]
    versions = collect_facts((str(root),)).facts["mlflow"]["versions"]
    assert [(v["version"], v["source"], v["loc"]["line"]) for v in versions] == [
        ("2.9.1", "pip", 10)
    ]


def test_requirements_installed_only_into_a_client_image_are_not_the_servers() -> None:
    """The API image installs MLflow as a client library; the tracking image installs the
    same version and starts the server: only the latter's pin is the server's."""
    root = FIX.parent / "client_pins"
    assert _findings(root) == [("MLS-MLF-006", "requirements-tracking.txt", 1)]
    versions = collect_facts((str(root),)).facts["mlflow"]["versions"]
    by_path = {v["path"]: v["installed_by"] for v in versions}
    assert by_path == {
        "requirements-api.txt": [{"path": "api/Dockerfile", "runs_server": False}],
        "requirements-tracking.txt": [{"path": "tracking/Dockerfile", "runs_server": True}],
    }


def test_middleware_setting_defaulted_through_interpolation() -> None:
    """``${VAR:-*}`` in the environment means "every origin unless an operator sets VAR":
    reported at the variable's line; a fixed default host list is not a wildcard."""
    root = FIX.parent / "env_middleware"
    assert _findings(root) == [("MLS-MLF-005", "compose.yaml", 9)]
    [srv] = collect_facts((str(root),)).facts["mlflow"]["servers"]
    assert srv["allowed_hosts"] == "tracking.internal,localhost"
    assert srv["cors_allowed_origins_loc"]["line"] == 9


def test_helm_values_given_through_terraform_and_argo_cd() -> None:
    """helm_release ``values`` as yamlencode(local), templatefile() of a YAML file and an
    inline yamlencode({...}); an Argo CD Application's ``helm.values`` string: each is read
    like a values.yaml, and each finding points at the key that turns auth off."""
    root = FIX.parent / "helm_forms"
    assert _findings(root) == [
        ("MLS-MLF-001", "argocd/tracking-app.yaml", 17),
        ("MLS-MLF-001", "tracking.tf", 4),  # the local's auth.enabled
        ("MLS-MLF-001", "values/registry.yaml.tftpl", 6),  # in the templated file
    ]
    servers = {s["service"]: s for s in collect_facts((str(root),)).facts["mlflow"]["servers"]}
    assert servers["sandbox"]["auth_enabled"] is True  # bitnami, auth on inline
    assert servers["tracking"]["auth_enabled"] is False
    assert servers["staging"]["auth_enabled"] is None  # set by a variable: unknown
