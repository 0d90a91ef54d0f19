package mlscan.lib.checkov

# checkov results (input.iac.checkov_results: what checkov reported, with no verdict) as
# evidence for mlscan controls. Which control a check belongs to comes from the map in
# checkov_map.rego (users extend it from a --policy folder).

import data.mlscan.lib.checkov_map
import rego.v1

_results := object.get(object.get(input, "iac", {}), "checkov_results", [])

# The map entry of a result's check; undefined for a check outside the map.
entry(r) := checkov_map.checks[r.check_id]

# True when the result's check is in the map.
mapped(r) if checkov_map.checks[r.check_id]

# Failed results, each with its map entry (null when unmapped).
failed contains [r, object.get(checkov_map.checks, r.check_id, null)] if {
	some r in _results
	r.result == "failed"
}

# Failed check ids grouped by [control, path, resource], built once per evaluation so a
# lookup per resource stays linear in the number of results.
_failed_ids[key] contains r.check_id if {
	some [r, m] in failed
	m != null
	key := json.marshal([m.control, r.loc.path, r.resource])
}

# Sorted ids of the failed checkov checks mapped to `control` on one resource.
evidence(control, path, address) := sort(ids) if {
	ids := _failed_ids[json.marshal([control, path, address])]
} else := []

# Failed checks whose control reports them itself: mapped with `fallback`, on resources
# mlscan has no fact of its own for (e.g. a framework it does not model).
uncovered contains [r, m] if {
	some [r, m] in failed
	m != null
	m.fallback
	not r.native_fact
}

# A violation for a failed checkov check.
violation(r) := {
	"msg": sprintf("checkov %s failed on %s: %s", [r.check_id, r.resource, r.check_name]),
	"loc": r.loc,
	"asset": r.resource,
	"key": r.check_id,
	"evidence": {"checkov": [r.check_id]},
}

# The violations a control reports for its uncovered failed checks:
#   deny contains v if some v in checkov.fallback("MLS-BKT-004")
fallback(control) := {violation(r) |
	some [r, m] in uncovered
	m.control == control
}
