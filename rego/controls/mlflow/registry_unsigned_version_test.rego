package mlscan.controls.mlflow.registry_unsigned_version

import rego.v1

mk_version(aliases, sigs) := {
	"logical_location": "models:/credit/3", "aliases": aliases, "stage": "None",
	"files_listed": true, "signature_files": sigs,
	"loc": {"path": "models:/credit/3"},
}

test_fires_high_on_unsigned_production_alias if {
	vs := deny with input as {"mlflow_registry": {"versions": [mk_version(["production"], [])]}}
	some v in vs
	v.severity == "high"
	contains(v.msg, "alias production")
}

test_fires_medium_on_unsigned_unpromoted_version if {
	vs := deny with input as {"mlflow_registry": {"versions": [mk_version([], [])]}}
	some v in vs
	v.severity == "medium"
}

test_silent_when_signed if {
	count(deny) == 0 with input as {"mlflow_registry": {"versions": [mk_version(["production"], ["model.sig"])]}}
}
