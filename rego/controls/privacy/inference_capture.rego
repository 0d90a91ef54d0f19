# METADATA
# title: Inference payloads logged or captured without protection
# description: >-
#   Request or response payloads of a model endpoint are written somewhere they are kept:
#   serving code logs the request body or stores it in a database, cache, object store or
#   file, SageMaker data capture stores inputs or outputs
#   without a KMS key, or a KServe / Seldon payload logger ships every request to a sink.
#   Inference payloads of credit, fraud or review models carry personal data; logs and
#   capture buckets are read by far more people than the endpoint. Logged or stored
#   payloads are reported at medium when their field names, the service or the project's
#   data show they are personal, and at low otherwise (an image URL for a food classifier).
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

import data.mlscan.lib.privacy
import rego.v1

# Logged or stored request payloads are reported at the control's severity when something
# says they are personal (data.mlscan.lib.privacy.payload_personal: personal or protected
# field names, a decision or person-level service, personal training data in the project);
# otherwise at low, as a hygiene note.
_payload_severity(reasons) := {} if count(reasons) > 0

_payload_severity(reasons) := {"severity": "low"} if count(reasons) == 0

_payload_why(reasons) := sprintf(" (personal: %s)", [concat("; ", reasons)]) if count(reasons) > 0

_payload_why(reasons) := " (nothing shows the payload is personal)" if count(reasons) == 0

deny contains v if {
	some p in object.get(input, ["privacy", "payload_logging"], [])
	not object.get(p, "serves_model", true) == false # only code that serves a model
	reasons := privacy.payload_personal(p)
	v := object.union({
		"msg": sprintf(
			"%s: handler %s passes the request payload (%s) to %s%s",
			[p.path, p.function, p.argument, p.sink, _payload_why(reasons)],
		),
		"loc": p.loc,
		"asset": sprintf("%s:%s", [p.path, p.function]),
		"key": p.argument,
		"evidence": {"sink": p.sink, "argument": p.argument, "personal": reasons},
	}, _payload_severity(reasons))
}

# Request bodies written to a database, cache, object store or file are inference capture
# too, with none of the controls of a capture feature.
deny contains v if {
	some p in object.get(input, ["privacy", "request_persistence"], [])
	not object.get(p, "serves_model", true) == false
	reasons := privacy.payload_personal(p)
	v := object.union({
		"msg": sprintf(
			"%s: handler %s stores the request payload (%s) with %s: inference inputs are kept%s",
			[p.path, p.function, p.argument, p.sink, _payload_why(reasons)],
		),
		"loc": p.loc,
		"asset": sprintf("%s:%s", [p.path, p.function]),
		"key": sprintf("store:%s", [p.argument]),
		"evidence": {"sink": p.sink, "argument": p.argument, "personal": reasons},
	}, _payload_severity(reasons))
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
