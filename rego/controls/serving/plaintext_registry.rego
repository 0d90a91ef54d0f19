# METADATA
# title: Serving talks to the model registry or tracking server over plaintext HTTP
# description: >-
#   A model server is configured with an http:// MLflow tracking/registry URI or model URI.
#   Whoever sits on the path can read the model and its metadata or hand the server a
#   different model.
# custom:
#   id: MLS-SRV-004
#   severity: medium
#   stride: [tampering, information-disclosure]
#   linddun: []
#   atlas: [AML.T0010]
#   owasp_ml: [ML06]
#   cwe: [319]
#   references: ["https://mlflow.org/docs/latest/tracking/server.html"]
#   remediation: >-
#     Use https:// (TLS terminated at the tracking server or its ingress) and, inside the
#     cluster, a service mesh with mTLS.
package mlscan.controls.serving.plaintext_registry

import data.mlscan.lib.serving
import data.mlscan.lib.util
import rego.v1

_registry_env := {"MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI", "MODEL_URI", "MLFLOW_MODEL_URI", "MODEL_URL", "STORAGE_URI"}

_loopback(url) if util.loopback_url(url)

deny contains v if {
	some w in serving.workloads
	serving.serving_workload(w)
	some c in w.containers
	some e in c.env
	e.name in _registry_env
	e.scheme == "http"
	not _loopback(e.value)
	v := {
		"msg": sprintf("model server %s (%s) sets %s=%s: it reaches the registry over plaintext HTTP", [serving.describe(w), serving.evidence_text(w), e.name, e.value]),
		"loc": e.loc,
		"asset": w.address,
		"key": e.name,
	}
}
