package mlscan.controls.privacy.inference_capture

import rego.v1

loc(p, l) := {"path": p, "line": l, "col": 1, "end_line": l, "end_col": 2}

capture(modes, kms) := {
	"resource": "aws_sagemaker_endpoint_configuration.fraud", "enabled": true,
	"capture_modes": modes, "kms_key": kms, "sampling_percentage": 100,
	"destination": "s3://b/fraud", "loc": loc("infra/f.tf", 18),
}

test_fires_on_payload_logging if {
	vs := deny with input as {"privacy": {"payload_logging": [{
		"path": "serving/app.py", "function": "predict", "sink": "log.info",
		"argument": "body", "loc": loc("serving/app.py", 21),
		"names": ["serving/app.py", "predict"],
		"fields": [{"name": "email", "tokens": ["email"], "personal": "email"}],
	}]}}
	count(vs) == 1
	some v in vs
	v.loc.line == 21
	not v.severity # the control's medium
	v.evidence.personal == ["it has personal fields: email (email)"]
}

test_payload_of_a_credit_service_is_personal if {
	some v in deny with input as {"privacy": {"payload_logging": [{
		"path": "serving/credit_api.py", "function": "score", "sink": "print",
		"argument": "req", "loc": loc("serving/credit_api.py", 9), "names": ["serving/credit_api.py", "score"],
		"fields": [{"name": "amount", "tokens": ["amount"], "personal": null}],
	}]}}
	not v.severity
}

test_non_personal_payload_is_low if {
	vs := deny with input as {"privacy": {"payload_logging": [{
		"path": "code/score.py", "function": "run", "sink": "print",
		"argument": "post", "loc": loc("code/score.py", 35), "names": ["code/score.py", "run"],
		"fields": [{"name": "image", "tokens": ["image"], "personal": null}],
	}]}}
	count(vs) == 1
	some v in vs
	v.severity == "low"
	contains(v.msg, "nothing shows the payload is personal")
}

test_fires_on_capture_without_kms if {
	vs := deny with input as {"privacy": {"data_capture": [capture(["Input", "Output"], false)]}}
	count(vs) == 1
	some v in vs
	v.loc.line == 18
	contains(v.msg, "Input and Output")
}

test_silent_on_capture_with_kms if {
	count(deny) == 0 with input as {"privacy": {"data_capture": [capture(["Output"], true)]}}
}

test_fires_on_kserve_logger if {
	vs := deny with input as {"privacy": {"request_loggers": [{
		"platform": "kserve", "kind": "InferenceService", "name": "credit", "component": "predictor",
		"mode": "all", "url": "http://sink", "loc": loc("k8s/isvc.yaml", 9),
	}]}}
	count(vs) == 1
}

test_silent_without_facts if {
	count(deny) == 0 with input as {}
}

test_fires_on_request_body_saved_to_a_database if {
	p := {"path": "app.py", "function": "feedback", "framework": "flask", "sink": "cursor.execute",
		"argument": "raw", "loc": {"path": "app.py", "line": 31}}
	some v in deny with input as {"privacy": {"request_persistence": [p]}}
	v.loc.line == 31
	contains(v.msg, "stores the request payload")
}

test_silent_on_logging_in_code_that_serves_no_model if {
	p := {"path": "api/users.py", "function": "signup", "framework": "fastapi", "sink": "logger.info",
		"argument": "body", "serves_model": false, "loc": {"path": "api/users.py", "line": 12}}
	count(deny) == 0 with input as {"privacy": {"payload_logging": [p]}}
}
