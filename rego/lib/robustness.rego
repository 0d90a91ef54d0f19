package mlscan.lib.robustness

# Which models need an adversarial-robustness evaluation (input.robustness).

import data.mlscan.lib.privacy
import rego.v1

# The asset impacts that need an evaluation. A --policy folder replaces them with a
# package `mlscan.user.robustness` that defines `impacts := {"critical"}`.
builtin_impacts := {"critical", "high"}

impacts := {i | some i in data.mlscan.user.robustness.impacts} if {
	is_set(data.mlscan.user.robustness.impacts)
} else := {i | some i in data.mlscan.user.robustness.impacts} if {
	is_array(data.mlscan.user.robustness.impacts)
} else := builtin_impacts

# Words in a model's path that say it gates content or access (a regular expression); a
# --policy folder replaces them with `gating_words := "..."` in `mlscan.user.robustness`.
builtin_gating_words := `(?i)moderat|spam|toxic|abuse|malware|phish|intrusion|anomal|biometric|face.?(rec|ver|id)|liveness|deepfake|content.?filter|guard`

gating_words := data.mlscan.user.robustness.gating_words if {
	is_string(data.mlscan.user.robustness.gating_words)
} else := builtin_gating_words

# A model counts when the configuration rates its asset with one of those impacts.
in_scope(m) if m.impact in impacts

# With no assets configured (no business-impact triage), a model counts when something
# says it gates a decision: it decides about people (privacy.decision_model, or a
# person-level name such as churn or patient), it gates content or access by name, or it
# is trained on personal data (datasets of the project with personal data). An iris demo
# classifier gates nothing.
in_scope(m) if {
	not input.robustness.assets_configured
	gating_reason(m)
}

gating_reason(m) := "it decides about people" if privacy.decision_model(object.union({"asset": null, "impact": null}, m))
else := "its domain is person-level" if regex.match(privacy.person_words, m.path)
else := "it gates content or access" if regex.match(gating_words, m.path)
else := "the project's data holds personal data" if {
	some d in object.get(input, ["datasets", "files"], [])
	count(d.personal_data) > 0
}
