package mlscan.lib.robustness

# Which models need an adversarial-robustness evaluation (input.robustness).

import rego.v1

# The asset impacts that need an evaluation. A --policy folder replaces them with a
# package `mlscan.user.robustness` that defines `impacts := {"critical"}`.
builtin_impacts := {"critical", "high"}

impacts := {i | some i in data.mlscan.user.robustness.impacts} if {
	is_set(data.mlscan.user.robustness.impacts)
} else := {i | some i in data.mlscan.user.robustness.impacts} if {
	is_array(data.mlscan.user.robustness.impacts)
} else := builtin_impacts

# A model counts when the configuration rates its asset with one of those impacts; with no
# assets configured at all, every model in a model location counts.
in_scope(m) if m.impact in impacts

in_scope(_) if not input.robustness.assets_configured
