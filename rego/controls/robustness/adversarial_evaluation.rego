# METADATA
# title: No adversarial-robustness evaluation for models that gate decisions
# description: >-
#   Models of critical or high business impact (config assets; when no assets are
#   configured, every model that decides about people, gates content or access, or is
#   trained on personal data) are trained and shipped without an adversarial-robustness
#   evaluation: no DVC stage, CI step, Makefile / tox / nox target runs TextAttack, ART,
#   Counterfit, Foolbox or a similar tool, and no robustness report is kept. Evasion
#   attacks (crafted inputs that flip a credit, fraud or moderation decision) then go
#   unnoticed until they are exploited.
# custom:
#   id: MLS-ROB-001
#   severity: medium
#   stride: [tampering]
#   linddun: []
#   atlas: [AML.T0043, AML.M0003]
#   owasp_ml: [ML01]
#   cwe: [1039]
#   references: ["https://adversarial-robustness-toolbox.readthedocs.io/", "https://textattack.readthedocs.io/", "https://github.com/Azure/counterfit"]
#   remediation: >-
#     Add a pipeline stage that attacks the trained model (ART evasion attacks,
#     TextAttack recipes, Counterfit) and fails on a robustness budget, run it in CI
#     (dvc repro <stage> or a workflow step) and keep its report (robustness.json).
package mlscan.controls.robustness.adversarial_evaluation

import data.mlscan.lib.robustness
import rego.v1

passing_kinds := {"dvc-stage", "ci-step", "make-target", "tox", "nox", "report"}

evidence_found if {
	some e in input.robustness.evidence
	e.kind in passing_kinds
}

scope_text(true) := "configured as critical or high impact"

scope_text(false) := "no assets configured: models that decide about people, gate content or access, or learn from personal data count"

deny contains v if {
	anchor := input.robustness.anchor
	anchor != null
	models := sort([m.path | some m in input.robustness.models; robustness.in_scope(m)])
	count(models) > 0
	not evidence_found
	scope := scope_text(input.robustness.assets_configured)
	v := {
		"msg": sprintf(
			"No adversarial-robustness evaluation (DVC stage, CI step, Makefile/tox/nox target running TextAttack, ART, Counterfit or Foolbox, or a robustness report) for %s (%s)",
			[concat(", ", models), scope],
		),
		"loc": anchor,
		"asset": "robustness",
		"evidence": {"models": models},
	}
}
