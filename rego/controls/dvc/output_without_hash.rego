# METADATA
# title: DVC-tracked data or model output has no content hash
# description: >-
#   A data set or model tracked by DVC has no md5/etag/checksum in its .dvc file or in
#   dvc.lock (or its stage was never locked), so nothing pins its content: whatever is in
#   the remote or the workspace is accepted as the artifact, including poisoned data.
# custom:
#   id: MLS-DVC-001
#   severity: high
#   stride: [tampering]
#   linddun: []
#   atlas: [AML.T0020]
#   owasp_ml: [ML02]
#   cwe: [345]
#   references: ["https://dvc.org/doc/user-guide/project-structure/dvc-files", "https://dvc.org/doc/user-guide/project-structure/dvcyaml-files#dvclock-file"]
#   remediation: >-
#     Record the hash: run the stage (`dvc repro`) or `dvc commit` and commit the updated
#     dvc.lock / .dvc file; for `dvc import-url --no-exec` run `dvc update` once the source is trusted.
package mlscan.controls.dvc.output_without_hash

import rego.v1

deny contains v if {
	some out in input.dvc.outputs
	out.hash_value == null
	not has_file_hashes(out)
	v := {
		"msg": message(out),
		"loc": out.loc,
		"asset": out.path,
		"evidence": {"source": out.source, "stage": out.stage, "hash_name": out.hash_name},
	}
}

message(out) := sprintf(
	"DVC output '%s' of stage '%s' is not recorded in dvc.lock, so no content hash pins it",
	[out.path, out.stage],
) if {
	out.source_kind == "dvc_yaml"
}

message(out) := sprintf(
	"DVC output '%s' of stage '%s' has no content hash (md5/etag) in %s",
	[out.path, out.stage, out.source],
) if {
	out.source_kind == "dvc_lock"
}

message(out) := sprintf(
	"DVC output '%s' has no content hash (md5/etag) in %s; it was imported without being fetched (--no-exec)",
	[out.path, out.source],
) if {
	out.source_kind == "dvc_file"
	out.imported
}

message(out) := sprintf(
	"DVC output '%s' has no content hash (md5/etag) in %s",
	[out.path, out.source],
) if {
	out.source_kind == "dvc_file"
	not out.imported
}

# outputs on a version-aware remote carry per-file hashes in an inline `files` list
has_file_hashes(out) if out.files_recorded > 0
