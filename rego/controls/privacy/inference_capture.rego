# METADATA
# title: Inference payloads logged or captured without protection
# description: >-
#   Request or response payloads of a model endpoint are written somewhere they are kept:
#   serving code logs the request body or stores it in a database, cache, object store or
#   file, SageMaker data capture stores inputs or outputs
#   without a KMS key, or a KServe / Seldon payload logger ships every request to a sink.
#   Inference payloads of credit, fraud or review models carry personal data; logs and
#   capture buckets are read by far more people than the endpoint.
# custom:
#   id: MLS-PRV-002
#   severity: medium
#   stride: [information-disclosure]
#   linddun: [detecting, data-disclosure]
#   atlas: [AML.T0024]
#   owasp_ml: [ML03]
#   cwe: [532]
#   references: ["https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture.html", "https://kserve.github.io/website/latest/modelserving/logger/logger/"]
#   remediation: >-
#     Log metadata (counts, latency, model version), never payloads; when capture is
#     needed for monitoring, capture outputs only, sample, encrypt with a customer-managed
#     KMS key (data_capture_config.kms_key_id), and put a lifecycle rule on the
#     destination; redact personal fields before a payload logger sees them.
package mlscan.controls.privacy.inference_capture

import rego.v1

deny contains v if {
	some p in object.get(input, ["privacy", "payload_logging"], [])
	not object.get(p, "serves_model", true) == false # only code that serves a model
	v := {
		"msg": sprintf(
			"%s: handler %s passes the request payload (%s) to %s",
			[p.path, p.function, p.argument, p.sink],
		),
		"loc": p.loc,
		"asset": sprintf("%s:%s", [p.path, p.function]),
		"key": p.argument,
		"evidence": {"sink": p.sink, "argument": p.argument},
	}
}

# Request bodies written to a database, cache, object store or file are inference capture
# too, with none of the controls of a capture feature.
deny contains v if {
	some p in object.get(input, ["privacy", "request_persistence"], [])
	not object.get(p, "serves_model", true) == false
	v := {
		"msg": sprintf(
			"%s: handler %s stores the request payload (%s) with %s: inference inputs are kept",
			[p.path, p.function, p.argument, p.sink],
		),
		"loc": p.loc,
		"asset": sprintf("%s:%s", [p.path, p.function]),
		"key": sprintf("store:%s", [p.argument]),
		"evidence": {"sink": p.sink, "argument": p.argument},
	}
}

deny contains v if {
	some c in object.get(input, ["privacy", "data_capture"], [])
	c.enabled
	count(c.capture_modes) > 0
	not c.kms_key
	v := {
		"msg": sprintf(
			"%s captures %s payloads to %s without a KMS key (kms_key_id)",
			[c.resource, concat(" and ", c.capture_modes), c.destination],
		),
		"loc": c.loc,
		"asset": c.resource,
		"evidence": {"capture_modes": c.capture_modes, "sampling_percentage": c.sampling_percentage},
	}
}

deny contains v if {
	some l in object.get(input, ["privacy", "request_loggers"], [])
	l.mode in {"all", "request", "response"}
	v := {
		"msg": sprintf(
			"%s %s '%s' logs %s payloads of its %s to %v",
			[l.platform, l.kind, l.name, l.mode, l.component, l.url],
		),
		"loc": l.loc,
		"asset": sprintf("%s/%s/%s", [l.kind, l.name, l.component]),
		"evidence": {"mode": l.mode},
	}
}
