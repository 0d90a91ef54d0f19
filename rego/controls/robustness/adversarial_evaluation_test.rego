package mlscan.controls.robustness.adversarial_evaluation

import rego.v1

anchor_loc := {"path": "dvc.yaml", "line": null, "col": null, "end_line": null, "end_col": null}

rob(models, evidence) := {"robustness": {
	"assets_configured": true, "anchor": anchor_loc, "models": models, "evidence": evidence,
}}

credit := {"path": "models/credit", "impact": "critical"}

test_fires_without_evidence if {
	vs := deny with input as rob([credit], [])
	count(vs) == 1
	some v in vs
	v.loc.path == "dvc.yaml"
	v.evidence.models == ["models/credit"]
}

test_silent_with_dvc_stage if {
	count(deny) == 0 with input as rob([credit], [{"kind": "dvc-stage", "tool": "textattack", "loc": anchor_loc}])
}

test_silent_for_low_impact_models if {
	count(deny) == 0 with input as rob([{"path": "models/x", "impact": "medium"}], [])
}

test_fires_for_every_model_without_assets if {
	doc := {"robustness": {"assets_configured": false, "anchor": anchor_loc, "models": [{"path": "models/x", "impact": null}], "evidence": []}}
	vs := deny with input as doc
	some v in vs
	v.evidence.models == ["models/x"]
}
