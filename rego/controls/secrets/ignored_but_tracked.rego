# METADATA
# title: Secret-bearing file committed although .gitignore ignores it
# description: >-
#   Git tracks a file that the repository's .gitignore rules ignore (typically a .env
#   committed before the ignore rule was added), and the file holds a secret. The ignore
#   rule gives a false sense of safety: every clone and every fork carries the file.
# custom:
#   id: MLS-SEC-002
#   severity: high
#   stride: [information-disclosure]
#   linddun: []
#   atlas: [AML.T0055]
#   owasp_ml: [ML06]
#   cwe: [538]
#   references: ["https://git-scm.com/docs/gitignore"]
#   remediation: >-
#     Stop tracking the file (`git rm --cached deploy/.env`), rotate what it held, and purge it
#     from history (git filter-repo); keep a committed `.env.example` with placeholders.
package mlscan.controls.secrets.ignored_but_tracked

import data.mlscan.lib.secrets as lib
import rego.v1

_files contains secret.loc.path if {
	some secret in input.secrets.secrets
	secret.tracked == true
	secret.ignored_by_gitignore == true
	secret.value_kind in {"literal", "default"}
	not lib.test_path(secret.loc.path)
}

deny contains v if {
	some path in _files
	keys := sort({k | some s in input.secrets.secrets; s.loc.path == path; k := key_label(s)})
	v := {
		"msg": sprintf("%s is tracked by git although .gitignore ignores it, and holds %s", [path, concat(", ", keys)]),
		"loc": {"path": path, "line": null, "col": null, "end_line": null, "end_col": null},
		"asset": path,
		"evidence": {"keys": keys},
	}
}

key_label(s) := s.key if is_string(s.key)

key_label(s) := sprintf("a secret on line %d", [s.loc.line]) if not is_string(s.key)
