# METADATA
# title: Secret committed in a file ML teams commit
# description: >-
#   detect-secrets found a literal credential (access key, password, token, private key,
#   high-entropy string) in a committed .env, compose file, Kubernetes or Helm manifest,
#   Terraform, Python, notebook, shell script, CI workflow or object-store client config.
#   Whoever reads the repository gets what it unlocks; the message names the ML asset when
#   the secret is linked to one (an MLflow backend-store URI, the MinIO root credentials of
#   the artifact store). Placeholders, references (${VAR}, {{ .Values.x }}), messages held
#   by constants named like secrets (value_kind prose: "No API key provided."), well-known
#   defaults (MLS-SEC-003) and values under tests/ are not reported here.
# custom:
#   id: MLS-SEC-001
#   severity: critical
#   stride: [information-disclosure, elevation-of-privilege]
#   linddun: []
#   atlas: [AML.T0055]
#   owasp_ml: [ML06]
#   cwe: [798]
#   references: ["https://github.com/Yelp/detect-secrets", "https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/"]
#   remediation: >-
#     Revoke the credential, remove it from the file and from git history, and inject it at
#     deploy time: compose `secrets:` or an untracked .env, a Kubernetes Secret created out of
#     band (secretKeyRef), a secret manager, or workload identity for object stores.
package mlscan.controls.secrets.committed_secret

import data.mlscan.lib.secrets as lib
import rego.v1

deny contains v if {
	some secret in input.secrets.secrets
	secret.value_kind == "literal"
	not lib.keyword_on_other_name(secret)
	not lib.test_path(secret.loc.path)
	not lib.template_path(secret.loc.path)
	not lib.weak_in_docs(secret)
	not lib.is_covered(secret)
	links := lib.links_of(secret)
	v := {
		"msg": sprintf("%s L%d %s (%s) is committed%s%s%s", [
			secret.loc.path, secret.loc.line, key_name(secret), concat(", ", secret.detectors),
			unlock_text(secret, links), ignored_text(secret), same_text(secret),
		]),
		"loc": secret.loc,
		"asset": secret.loc.path,
		"key": key_id(secret),
		"evidence": {"key": secret.key, "detectors": secret.detectors, "file_kind": secret.file_kind},
		"related": array.concat([l.target_loc | some l in links], lib.same_value(secret)),
		"severity": severity(secret, links),
	}
}

key_name(secret) := sprintf("`%s`", [secret.key]) if is_string(secret.key)

key_name(secret) := "a secret" if not is_string(secret.key)

# identity without the line (fingerprints survive edits above the secret)
key_id(secret) := secret.key if is_string(secret.key)

key_id(secret) := concat(",", secret.detectors) if not is_string(secret.key)

unlock_text(secret, links) := sprintf(": it is %s", [concat("; and ", sort({sprintf("%s (%s L%d)", [lib.unlocks(l.target), l.target_loc.path, l.target_loc.line]) | some l in links}))]) if {
	count(links) > 0
} else := sprintf(": it is %s", [lib.unlocks(object.union(secret.context, {"uri_part": secret.uri_part}))]) if {
	secret.context != null
} else := ""

ignored_text(secret) := " (git tracks it although .gitignore ignores the file)" if {
	secret.tracked == true
	secret.ignored_by_gitignore == true
} else := ""

same_text(secret) := sprintf(" (the same value is also in %s)", [concat(", ", sort({sprintf("%s L%d", [l.path, l.line]) | some l in lib.same_value(secret)}))]) if {
	count(lib.same_value(secret)) > 0
} else := ""

entropy_only(secret) if {
	every d in secret.detectors {
		contains(d, "High Entropy")
	}
}

severity(secret, links) := "high" if {
	count(links) == 0
	secret.context == null
	entropy_only(secret)
} else := "critical"
