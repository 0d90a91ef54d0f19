package mlscan.controls.supply_chain.unverified_load

import rego.v1

mk_mod(path, verifies) := {"path": path, "downloads": 1, "verifies": verifies, "loc": {"path": path, "line": 8}}

signed := {"policy": {"trusted_keys": 1, "trusted_identities": 0, "trusted_certificates": 0}}

test_fires_on_unverified_serving_download if {
	some v in deny with input as {"signatures": signed, "supply_chain": {"modules": [mk_mod("serving/app.py", false)]}}
	v.loc.line == 8
}

test_silent_when_verified_unsigned_or_not_serving if {
	count(deny) == 0 with input as {"signatures": signed, "supply_chain": {"modules": [mk_mod("serving/app.py", true), mk_mod("src/train.py", false)]}}
	count(deny) == 0 with input as {"signatures": {"policy": {"trusted_keys": 0, "trusted_identities": 0, "trusted_certificates": 0}}, "supply_chain": {"modules": [mk_mod("serving/app.py", false)]}}
}
