# METADATA
# title: Well-known default credential committed
# description: >-
#   A credential is set to a tool's documented default or a value meant to be changed
#   (minioadmin, changeme, password, mlflow, ...). It is no secret, but a stack deployed
#   from this file opens the artifact store, tracking server or database to anyone who knows
#   the default.
# custom:
#   id: MLS-SEC-003
#   severity: low
#   stride: [elevation-of-privilege]
#   linddun: []
#   atlas: [AML.T0055]
#   owasp_ml: [ML06]
#   cwe: [1392]
#   references: ["https://cwe.mitre.org/data/definitions/1392.html"]
#   remediation: >-
#     Leave the value unset in committed files (`MINIO_ROOT_PASSWORD=${MINIO_ROOT_PASSWORD:?}`)
#     so that a deployment without a real secret fails instead of starting with the default.
package mlscan.controls.secrets.default_credential

import data.mlscan.lib.secrets as lib
import rego.v1

deny contains v if {
	some secret in input.secrets.secrets
	secret.value_kind == "default"
	not lib.test_path(secret.loc.path)
	not lib.is_covered(secret)
	links := lib.links_of(secret)
	v := {
		"msg": sprintf("%s L%d sets %s to a well-known default value%s", [secret.loc.path, secret.loc.line, name(secret), unlock_text(secret, links)]),
		"loc": secret.loc,
		"asset": secret.loc.path,
		"key": sprintf("%v@%d", [secret.key, secret.loc.line]),
		"related": [l.target_loc | some l in links],
	}
}

name(secret) := sprintf("`%s`", [secret.key]) if is_string(secret.key)

name(secret) := "a credential" if not is_string(secret.key)

unlock_text(secret, links) := sprintf(": %s", [concat("; ", sort({lib.unlocks(l.target) | some l in links}))]) if {
	count(links) > 0
} else := sprintf(": %s", [lib.unlocks(object.union(secret.context, {"uri_part": object.get(secret, "uri_part", null)}))]) if {
	object.get(secret, "context", null) != null
} else := ""
