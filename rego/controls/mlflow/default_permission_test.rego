package mlscan.controls.mlflow.default_permission

import rego.v1

mk_cfg(perm) := {
	"path": "basic_auth.ini", "default_permission": perm,
	"default_permission_loc": {"path": "basic_auth.ini", "line": 2, "col": 1},
	"loc": {"path": "basic_auth.ini", "line": 1, "col": 1},
}

test_fires_on_edit_as_high if {
	vs := deny with input as {"mlflow": {"auth_configs": [mk_cfg("EDIT")]}}
	some v in vs
	v.severity == "high"
	v.loc.line == 2
}

test_fires_when_absent_because_default_is_read if {
	vs := deny with input as {"mlflow": {"auth_configs": [object.union(mk_cfg(null), {"default_permission_loc": null})]}}
	some v in vs
	v.loc.line == 1
	v.severity == "medium"
}

test_silent_on_no_permissions if {
	count(deny) == 0 with input as {"mlflow": {"auth_configs": [mk_cfg("NO_PERMISSIONS")]}}
}
