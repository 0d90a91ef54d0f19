# METADATA
# title: .dvc/config.local is tracked by git or not git-ignored
# description: >-
#   .dvc/config.local is where DVC keeps machine-local settings and remote credentials
#   (`dvc remote modify --local`). DVC's own .dvc/.gitignore excludes it; when git tracks
#   it, or no gitignore covers it (even before the file exists), those credentials are
#   pushed with the repository (or will be, at the next `git add .`).
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
#     Keep `/config.local` in .dvc/.gitignore, run `git rm --cached .dvc/config.local` if git
#     tracks it, and rotate any credential the file held while it was tracked.
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

# No config.local yet, but nothing keeps one out of git: DVC's .dvc/.gitignore lost its entry.
deny contains v if {
	some project in input.dvc.projects
	project.dvc_gitignore != null
	project.config_local_exists == false
	project.config_local_ignored == false
	v := {
		"msg": sprintf("%s has no '/config.local' entry: a .dvc/config.local written by 'dvc remote modify --local' would be committed", [project.dvc_gitignore]),
		"loc": project.dvc_gitignore_loc,
		"asset": local_path(project.root),
		"evidence": {"config_local_exists": false, "gitignore_covers_local": false},
	}
}

local_path(root) := ".dvc/config.local" if root == ""

local_path(root) := sprintf("%s/.dvc/config.local", [root]) if root != ""
