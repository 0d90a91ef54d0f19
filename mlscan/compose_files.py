"""Which files are Compose-format files (docker compose and Docker Swarm stack files).

By name: ``compose.yaml``, ``docker-compose.<x>.yml`` and the stack names Swarm users
commit (``docker-stack.yml``, ``stack.yml``, ``swarm_stack.yml``). By content: a YAML
file with a top-level ``services:`` map whose entries carry ``image``, ``build``,
``deploy`` or ``ports`` (see :func:`compose_services`).
"""

from __future__ import annotations

import re

from mlscan.sourcemap import Node

COMPOSE_NAME = re.compile(r"^(docker-)?compose([.\-][\w.\-]+)?\.ya?ml$", re.I)
STACK_NAME = re.compile(r"^[\w.\-]*stack[\w.\-]*\.ya?ml$", re.I)
_TOP_SERVICES = re.compile(r"^services:[ \t]*(#.*)?$", re.M)
_SERVICE_KEYS = ("image", "build", "deploy", "ports")


def is_compose_name(name: str) -> bool:
    """A compose or stack file by its base name alone."""
    return COMPOSE_NAME.match(name) is not None or STACK_NAME.match(name) is not None


def may_be_compose(name: str, text: str) -> bool:
    """Cheap pre-parse test: a compose name, or YAML text with a top-level ``services:``."""
    if COMPOSE_NAME.match(name) is not None:
        return True
    return name.lower().endswith((".yml", ".yaml")) and _TOP_SERVICES.search(text) is not None


def compose_services(doc: Node) -> bool:
    """A parsed document is Compose-format: a ``services:`` map of service maps, one
    of which names an image, a build, a deploy section or ports (a GitLab CI
    ``services:`` list or a Kubernetes document is not)."""
    if doc.kind != "map" or doc.get("apiVersion") is not None:
        return False
    services = doc.get("services")
    if services is None or services.kind != "map":
        return False
    return any(
        svc.kind == "map" and any(svc.get(k) is not None for k in _SERVICE_KEYS)
        for _, svc in services.items()
    )
