# METADATA
# title: DVC import from another repository is not locked to a commit
# description: >-
#   A `dvc import` records the source repository in the .dvc file; without `rev_lock` it
#   is not pinned to a commit, so the next fetch or `dvc update` takes whatever the branch
#   holds then, including changes pushed by whoever controls that repository.
# custom:
#   id: MLS-DVC-003
#   severity: medium
#   stride: [tampering]
#   linddun: []
#   atlas: [AML.T0010.002]
#   owasp_ml: [ML06]
#   cwe: [829]
#   references: ["https://dvc.org/doc/command-reference/import", "https://dvc.org/doc/user-guide/project-structure/dvc-files#dependency-entries"]
#   remediation: >-
#     Run `dvc update --rev <tag-or-commit>` (or re-run `dvc import` without --no-exec) so the
#     .dvc file records `rev_lock`, review the source commit, and commit the .dvc file.
package mlscan.controls.dvc.import_without_rev_lock

import rego.v1

deny contains v if {
	some dep in input.dvc.dependencies
	dep.repo != null
	dep.repo.rev_lock == null
	v := {
		"msg": sprintf(
			"'dvc import' of '%s' from %s in %s is not locked to a commit (no rev_lock)%s",
			[dep.path, dep.repo.url, dep.source, rev_note(dep.repo)],
		),
		"loc": dep.repo.loc,
		"asset": dep.path,
		"evidence": {"repo_url": dep.repo.url, "rev": dep.repo.rev},
		"related": [dep.loc],
	}
}

rev_note(repo) := sprintf("; it follows '%s', which can move", [repo.rev]) if {
	repo.rev != null
} else := "; it follows the default branch"
