# METADATA
# title: Well-known default or placeholder credential committed
# description: >-
#   A credential is set to a tool's documented default or a value meant to be changed
#   (minioadmin, changeme, password, mlflow, ...), or a placeholder (sample_key, <password>)
#   is what a service actually receives (a compose service or workload uses it). It is no
#   secret, but a stack deployed from these files opens the artifact store, tracking server
#   or database to anyone who knows the value.
# custom:
#   id: MLS-SEC-003
#   severity: low                 # medium when a service receives the value
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
	not lib.test_path(secret.loc.path)
	not lib.is_covered(secret)
	links := lib.links_of(secret)
	what := weak_value(secret, links)
	v := {
		"msg": sprintf("%s L%d sets %s to %s%s", [secret.loc.path, secret.loc.line, name(secret), what, unlock_text(secret, links)]),
		"loc": secret.loc,
		"asset": secret.loc.path,
		"key": sprintf("%v", [secret.key]),
		"related": [l.target_loc | some l in links],
		"severity": severity(secret, links),
	}
}

# medium when a service receives the value (compose interpolation, a workload's env, a
# value written in place for a service): a stack deployed from these files runs with it
severity(secret, links) := "medium" if used(secret, links) else := "low"

name(secret) := sprintf("`%s`", [secret.key]) if is_string(secret.key)

name(secret) := "a credential" if not is_string(secret.key)

unlock_text(secret, links) := sprintf(": %s", [concat("; ", sort({lib.unlocks(l.target) | some l in links}))]) if {
	count(links) > 0
} else := sprintf(": %s", [lib.unlocks(object.union(secret.context, {"uri_part": object.get(secret, "uri_part", null)}))]) if {
	object.get(secret, "context", null) != null
} else := ""

weak_value(secret, _) := "a well-known default value" if secret.value_kind == "default"

# a placeholder counts only where a service receives it (elsewhere it is documentation)
weak_value(secret, links) := "a placeholder value that a service receives" if {
	secret.value_kind == "placeholder"
	used(secret, links)
}

used(_, links) if count(links) > 0

used(secret, _) if object.get(secret, "context", null) != null
