# METADATA
# title: External DVC dependency without a pinned checksum, or fetched over plain HTTP
# description: >-
#   A stage dependency or `dvc import-url` source outside the repository (URL or path) has
#   no recorded checksum, was imported with --no-exec, or is fetched over plaintext HTTP /
#   WebDAV. Its content can change or be swapped in transit without DVC noticing, which
#   poisons the data the model is trained on.
# custom:
#   id: MLS-DVC-002
#   severity: high
#   stride: [tampering]
#   linddun: []
#   atlas: [AML.T0010.002, AML.T0020]
#   owasp_ml: [ML02]
#   cwe: [494]
#   references: ["https://dvc.org/doc/command-reference/import-url", "https://dvc.org/doc/user-guide/data-management/importing-external-data"]
#   remediation: >-
#     Fetch external data over HTTPS (or s3/gs/azure/ssh), run `dvc update` / `dvc repro` so
#     that dvc.lock or the .dvc file records its checksum (md5/etag), and commit it.
package mlscan.controls.dvc.external_dependency_unpinned

import data.mlscan.lib.util
import rego.v1

plaintext_schemes := {"http", "webdav"}

problem_kinds := ["no-exec", "no-checksum", "plaintext"]

# One finding per dependency; the message lists every problem it has.
deny contains v if {
	some dep in input.dvc.dependencies
	dep.repo == null
	found := [kind | some kind in problem_kinds; problem(dep, kind)]
	count(found) > 0
	phrases := [problem(dep, kind) | some kind in found]
	v := {
		"msg": sprintf("external dependency '%s'%s in %s %s", [dep.path, stage_text(dep), dep.source, concat(" and ", phrases)]),
		"loc": dep.loc,
		"asset": dep.path,
		"evidence": {"scheme": dep.scheme, "stage": dep.stage, "problems": found},
	}
}

problem(dep, "no-exec") := "was imported with 'dvc import-url --no-exec': no checksum pins its content" if {
	dep.external == true
	dep.no_exec == true
}

problem(dep, "no-checksum") := "has no pinned checksum (md5/etag)" if {
	dep.external == true
	dep.no_exec != true
	dep.has_checksum == false
}

problem(dep, "plaintext") := sprintf("is fetched over plaintext %s", [upper(dep.scheme)]) if {
	dep.scheme in plaintext_schemes
	not util.loopback_url(dep.path) # never leaves the machine: no transport risk
}

# remote://NAME/... dependencies use the transport of the named DVC remote
problem(dep, "plaintext") := sprintf("is fetched through DVC remote '%s' over plaintext %s", [remote.name, upper(remote.url_scheme)]) if {
	dep.scheme == "remote"
	name := split(trim_prefix(dep.path, "remote://"), "/")[0]
	some remote in input.dvc.remotes
	remote.name == lower(name)
	remote.url_scheme in plaintext_schemes
}

stage_text(dep) := sprintf(" of stage '%s'", [dep.stage]) if dep.stage != null

stage_text(dep) := "" if dep.stage == null
