"""Authentication enforced at the mesh ingress gateway, and compose-format files under
other names (Docker Swarm stack files, files recognised by their content)."""

from __future__ import annotations

from pathlib import Path

from mlscan.compose_files import is_compose_name
from mlscan.scan import ScanOptions, collect_facts, run

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "serving"


def _findings(root: Path) -> list[tuple[str, str, int | None]]:
    result = run(ScanOptions(paths=(str(root),)))
    return sorted((f.control.id, f.location.path, f.location.start_line) for f in result.findings)


def test_jwt_policy_on_the_ingress_gateway_authenticates_kserve() -> None:
    # RequestAuthentication + an ALLOW AuthorizationPolicy requiring a request principal,
    # both on istio-system's ingress gateway: the default external route is authenticated
    assert _findings(FIX / "gateway_auth") == []
    facts = collect_facts((str(FIX / "gateway_auth"),)).facts
    (pol,) = facts["serving"]["authorization_policies"]
    assert (pol["name"], pol["namespace"], pol["action"], pol["requires_identity"]) == (
        "edge-needs-token", "istio-system", "ALLOW", True
    )
    assert pol["selector"] == {"istio": "ingressgateway"}
    assert pol["every_rule_requires_identity"] is True
    assert pol["loc"]["path"] == "auth/ingress-jwt.yaml"


def test_request_authentication_alone_on_the_gateway_still_fires() -> None:
    # a RequestAuthentication, and a policy one of whose rules needs no identity
    assert _findings(FIX / "gateway_jwt_only") == [("MLS-SRV-001", "scorer.yaml", 1)]
    facts = collect_facts((str(FIX / "gateway_jwt_only"),)).facts
    (pol,) = facts["serving"]["authorization_policies"]
    assert (pol["requires_identity"], pol["every_rule_requires_identity"]) == (True, False)


def test_stack_files_are_compose_files() -> None:
    assert _findings(FIX / "swarm") == [
        ("MLS-BKT-004", "ops/stack.yaml", 4),  # a CloudFormation stack stays CloudFormation
        ("MLS-SRV-003", "deploy/services.yml", 3),  # compose by content (no compose name)
        ("MLS-SRV-003", "ops/swarm-stack.yml", 5),  # a Swarm stack file by its name
    ]
    facts = collect_facts((str(FIX / "swarm"),)).facts
    compose = sorted(
        (w["name"], w["loc"]["path"], w["loc"]["line"])
        for w in facts["serving"]["workloads"]
        if w["kind"] == "compose-service"
    )
    # the GitLab CI file's top-level services: list is no compose file
    assert compose == [
        ("predictor", "deploy/services.yml", 2),
        ("ranker", "ops/swarm-stack.yml", 4),
    ]


def test_compose_names() -> None:
    for name in ("docker-compose.yml", "compose.prod.yaml", "swarm_stack.yml", "docker-stack.yaml",
                 "stack.yml"):
        assert is_compose_name(name), name
    for name in ("values.yaml", "stackoverflow.txt", "deployment.yaml"):
        assert not is_compose_name(name), name
