"""Re-evaluating a called module's option expressions with the caller's inputs."""

from __future__ import annotations

from typing import Any

import pytest

from mlscan.collectors.iac.tf_inputs import evaluate


@pytest.mark.parametrize(
    ("expression", "inputs", "expected"),
    [
        ("var.name", {"name": "acme-models"}, (True, "acme-models")),
        ("${var.name}", {"name": "acme-models"}, (True, "acme-models")),
        ('var.on ? "Enabled" : "Suspended"', {"on": True}, (True, "Enabled")),
        ('var.on ? "Enabled" : "Suspended"', {"on": False}, (True, "Suspended")),
        ('var.on ? "Enabled" : "Suspended"', {"on": "true"}, (True, "Enabled")),
        ('!var.off ? "Enabled" : "Disabled"', {"off": True}, (True, "Disabled")),
        ('${var.on ? "aws:kms" : null}', {"on": False}, (True, None)),
        ("var.on ? 3 : 1", {"on": True}, (True, 3)),
        ('"${var.team}-${var.env}-models"', {"team": "risk", "env": "prod"},
         (True, "risk-prod-models")),
    ],
)
def test_evaluated(expression: str, inputs: dict[str, Any], expected: tuple[bool, Any]) -> None:
    assert evaluate(expression, inputs) == expected


@pytest.mark.parametrize(
    ("expression", "inputs"),
    [
        ('var.on ? "Enabled" : "Suspended"', {}),  # the caller does not set it
        ('var.on ? "Enabled" : "Suspended"', {"on": "maybe"}),
        ('var.tier == "prod" ? "Enabled" : "Suspended"', {"tier": "prod"}),
        ('"${var.team}-${local.suffix}"', {"team": "risk"}),
        ('"${var.tags}-x"', {"tags": {"a": "b"}}),
        ("lookup(var.settings, \"versioning\", false)", {"settings": {}}),
    ],
)
def test_not_evaluated(expression: str, inputs: dict[str, Any]) -> None:
    assert evaluate(expression, inputs) == (False, None)
