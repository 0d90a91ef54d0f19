package mlscan.lib.checkov

# checkov results (input.iac.checkov_results) as evidence for mlscan controls.

import rego.v1

_results := object.get(object.get(input, "iac", {}), "checkov_results", [])

# Sorted ids of the failed checkov checks mapped to `control` on one resource.
evidence(control, path, address) := sort([r.check_id |
	some r in _results
	r.result == "failed"
	r.control == control
	r.loc.path == path
	r.resource == address
])

# Failed checks mapped to `control` that the control reports itself: resources mlscan
# has no fact of its own for (e.g. a framework it does not model).
uncovered contains r if {
	some r in _results
	r.result == "failed"
	r.fallback
	not r.native_fact
}

# A violation for an uncovered failed checkov check.
violation(r) := {
	"msg": sprintf("checkov %s failed on %s: %s", [r.check_id, r.resource, r.check_name]),
	"loc": r.loc,
	"asset": r.resource,
	"key": r.check_id,
	"evidence": {"checkov": [r.check_id]},
}
