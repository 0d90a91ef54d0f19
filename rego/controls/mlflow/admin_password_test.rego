package mlscan.controls.mlflow.admin_password

import rego.v1

mk_cfg(present, is_default) := {
	"path": "basic_auth.ini", "admin_password_present": present, "admin_password_is_default": is_default,
	"admin_password_loc": {"path": "basic_auth.ini", "line": 4, "col": 1},
}

test_fires_on_default_password if {
	vs := deny with input as {"mlflow": {"auth_configs": [mk_cfg(true, true)]}}
	some v in vs
	contains(v.msg, "default")
	v.loc.line == 4
}

test_fires_on_committed_password if {
	vs := deny with input as {"mlflow": {"auth_configs": [mk_cfg(true, false)]}}
	some v in vs
	contains(v.msg, "redacted")
}

test_silent_without_password if {
	count(deny) == 0 with input as {"mlflow": {"auth_configs": [mk_cfg(false, false)]}}
}

test_fires_low_on_placeholder_word if {
	cfg := object.union(mk_cfg(false, false), {"admin_password_placeholder_kind": "word"})
	some v in deny with input as {"mlflow": {"auth_configs": [cfg]}}
	v.severity == "low"
	contains(v.msg, "placeholder")
}

test_silent_on_deploy_time_reference if {
	cfg := object.union(mk_cfg(false, false), {"admin_password_placeholder_kind": "reference"})
	count(deny) == 0 with input as {"mlflow": {"auth_configs": [cfg]}}
}
