# METADATA
# title: .dvc/config.local is tracked by git or not git-ignored
# description: >-
#   .dvc/config.local is where DVC keeps machine-local settings and remote credentials
#   (`dvc remote modify --local`). DVC's own .dvc/.gitignore excludes it; when git tracks
#   it, or no gitignore covers it, those credentials are pushed with the repository (or
#   will be, at the next `git add .`).
# custom:
#   id: MLS-DVC-005
#   severity: high
#   stride: [information-disclosure]
#   linddun: []
#   atlas: [AML.T0055]
#   owasp_ml: []
#   cwe: [540]
#   references: ["https://dvc.org/doc/user-guide/project-structure/internal-files", "https://dvc.org/doc/command-reference/config"]
#   remediation: >-
#     Run `git rm --cached .dvc/config.local`, keep `/config.local` in .dvc/.gitignore, and
#     rotate any credential the file held while it was tracked.
package mlscan.controls.dvc.config_local_exposed

import rego.v1

deny contains v if {
	some cfg in input.dvc.configs
	cfg.level == "local"
	cfg.tracked_by_git == true
	v := {
		"msg": sprintf("%s is tracked by git: local DVC settings and credentials are pushed with the repository", [cfg.path]),
		"loc": cfg.loc,
		"asset": cfg.path,
		"evidence": {"tracked_by_git": true, "gitignore_covers_local": cfg.gitignore_covers_local},
	}
}

deny contains v if {
	some cfg in input.dvc.configs
	cfg.level == "local"
	cfg.tracked_by_git != true
	cfg.gitignore_covers_local == false
	v := {
		"msg": sprintf("%s is not git-ignored (no '/config.local' in .dvc/.gitignore): 'git add .' would commit it", [cfg.path]),
		"loc": cfg.loc,
		"asset": cfg.path,
		"evidence": {"tracked_by_git": cfg.tracked_by_git, "gitignore_covers_local": false},
	}
}
