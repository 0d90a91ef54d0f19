# METADATA
# title: Workspace artifact differs from the hash recorded by DVC
# description: >-
#   The data set or model in the workspace no longer has the md5 recorded in dvc.lock or
#   its .dvc file: it was modified, or files were added to or removed from a tracked
#   directory, outside DVC. Training, evaluation or serving from this tree uses an
#   artifact nobody committed.
# custom:
#   id: MLS-DVC-007
#   severity: high
#   stride: [tampering]
#   linddun: []
#   atlas: [AML.T0018]
#   owasp_ml: [ML10]
#   cwe: [354]
#   references: ["https://dvc.org/doc/command-reference/status", "https://dvc.org/doc/command-reference/checkout"]
#   remediation: >-
#     Inspect the change (`dvc status`, `dvc diff`); restore the recorded artifact with
#     `dvc checkout`, or, if the change is intended, record it with `dvc commit` / `dvc repro`
#     and commit the updated dvc.lock / .dvc file.
package mlscan.controls.dvc.workspace_hash_mismatch

import rego.v1

deny contains v if {
	some out in input.dvc.outputs
	out.workspace_state == "mismatch"
	v := {
		"msg": sprintf("%s '%s' differs from the hash recorded in %s (recorded %s, workspace %s)%s", [
			kind(out), out.path, out.source, short(out.hash_value), short(out.workspace_md5), change_note(out),
		]),
		"loc": out.loc,
		"asset": out.path,
		"evidence": {
			"recorded": out.hash_value,
			"actual": out.workspace_md5,
			"changes": out.workspace_changes,
		},
		"related": [{"path": out.path, "line": null, "col": null, "end_line": null, "end_col": null}],
	}
}

kind(out) := "DVC-tracked directory" if out.is_dir == true

kind(out) := "DVC-tracked file" if out.is_dir != true

short(h) := "none" if h == null

short(h) := substring(h, 0, 12) if h != null

change_note(out) := sprintf(": %d added, %d removed, %d modified", [
	out.workspace_changes.added_count,
	out.workspace_changes.removed_count,
	out.workspace_changes.modified_count,
]) if {
	out.workspace_changes != null
} else := ""
