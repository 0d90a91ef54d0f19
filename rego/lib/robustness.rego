package mlscan.lib.robustness

# Which models need an adversarial-robustness evaluation (input.robustness).

import rego.v1

_high_impact := {"critical", "high"}

# A model counts when the configuration rates its asset critical or high; with no assets
# configured at all, every model in a model location counts.
in_scope(m) if m.impact in _high_impact

in_scope(_) if not input.robustness.assets_configured
