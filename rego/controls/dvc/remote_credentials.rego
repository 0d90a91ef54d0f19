# METADATA
# title: Credentials committed in the DVC config
# description: >-
#   A DVC remote (or another DVC config section) carries a credential - access key, secret
#   key, SAS token, connection string, password, token - in .dvc/config, which is committed
#   with the repository, or in a .dvc/config.local that git tracks or does not ignore. Anyone
#   with read access to the repository can then read or overwrite the data and models in
#   the remote. A credential file (SSH key, service-account JSON) committed in the repository
#   and referenced from the config counts too, unless it holds no key (an empty file or a
#   placeholder). Outside a git work tree (an unpacked archive, a copied project) a
#   config.local or key file that is present is reported even when a .gitignore lists it:
#   ignore rules do not keep a file out of a copy.
# custom:
#   id: MLS-DVC-004
#   severity: critical
#   stride: [information-disclosure, elevation-of-privilege]
#   linddun: []
#   atlas: [AML.T0055]
#   owasp_ml: []
#   cwe: [798]
#   references: ["https://dvc.org/doc/user-guide/project-structure/configuration", "https://dvc.org/doc/command-reference/remote/modify"]
#   remediation: >-
#     Revoke the credential now, remove it from the config and from git history, and store
#     credentials with `dvc remote modify --local` (.dvc/config.local, git-ignored) or use
#     role-based / environment credentials.
package mlscan.controls.dvc.remote_credentials

import rego.v1

# Config files by path, built once per evaluation (a lookup per remote, not a scan).
_config_at[cfg.path] contains i if {
	some i, cfg in input.dvc.configs
}

_configs(path) := [input.dvc.configs[i] | some i in _config_at[path]]

# A config file whose content reaches the git repository (or would with `git add .`).
exposure(path) := "committed with the repository" if {
	some cfg in _configs(path)
	cfg.level == "repo"
}

exposure(path) := "in .dvc/config.local, which git tracks" if {
	some cfg in _configs(path)
	cfg.level == "local"
	cfg.tracked_by_git == true
}

exposure(path) := "in .dvc/config.local, which is not git-ignored" if {
	some cfg in _configs(path)
	cfg.level == "local"
	cfg.tracked_by_git != true
	cfg.gitignore_covers_local == false
}

# Outside a git work tree (an unpacked archive, a copied project directory) ignore rules
# cannot say whether the file was committed: it is in the tree, so it ships with it.
exposure(path) := "in .dvc/config.local, present in a tree without git metadata: every copy of this tree carries it" if {
	some cfg in _configs(path)
	cfg.level == "local"
	cfg.tracked_by_git == null
	cfg.gitignore_covers_local == true
}

deny contains v if {
	some remote in input.dvc.remotes
	some secret in remote.secrets
	secret.present == true
	how := exposure(secret.loc.path)
	v := {
		"msg": sprintf("DVC remote '%s' has '%s' set in %s (%s)", [remote.name, secret.key, secret.loc.path, how]),
		"loc": secret.loc,
		"asset": remote.name,
		"key": secret.key,
		"evidence": {"option": secret.key, "config": secret.loc.path},
		"related": [remote.loc],
	}
}

deny contains v if {
	some remote in input.dvc.remotes
	url_carries_secret(remote)
	how := exposure(remote.url_loc.path)
	v := {
		"msg": sprintf("DVC remote '%s' URL embeds a credential (%s) in %s (%s)", [remote.name, url_secret_kind(remote), remote.url_loc.path, how]),
		"loc": remote.url_loc,
		"asset": remote.name,
		"key": "url",
		"evidence": {"option": "url", "url": remote.url},
	}
}

deny contains v if {
	some remote in input.dvc.remotes
	remote.endpoint_url_has_password == true
	some opt in remote.options
	opt.key in {"endpointurl", "oss_endpoint"}
	opt.effective == true
	how := exposure(opt.loc.path)
	v := {
		"msg": sprintf("DVC remote '%s' %s embeds a password in %s (%s)", [remote.name, opt.key, opt.loc.path, how]),
		"loc": opt.loc,
		"asset": remote.name,
		"key": opt.key,
		"evidence": {"option": opt.key},
	}
}

deny contains v if {
	some remote in input.dvc.remotes
	some cred in remote.credential_files
	cred.exists == true
	not cred.has_key_material == false # an empty file or a placeholder leaks nothing
	how := credential_file_exposure(cred)
	v := {
		"msg": sprintf("DVC remote '%s' uses credential file '%s' (%s), which is %s", [remote.name, cred.workspace_path, cred.key, how]),
		"loc": cred.loc,
		"asset": remote.name,
		"key": cred.key,
		"evidence": {"option": cred.key, "file": cred.workspace_path},
		"related": [{"path": cred.workspace_path, "line": null, "col": null, "end_line": null, "end_col": null}],
	}
}

deny contains v if {
	some cfg in input.dvc.configs
	some secret in cfg.secrets
	secret.present == true
	how := exposure(cfg.path)
	v := {
		"msg": sprintf("DVC config section '%s' has '%s' set in %s (%s)", [secret.section, secret.key, cfg.path, how]),
		"loc": secret.loc,
		"asset": secret.section,
		"key": secret.key,
		"evidence": {"option": secret.key, "config": cfg.path},
	}
}

url_carries_secret(remote) if remote.url_has_password == true

url_carries_secret(remote) if count(remote.url_secret_params) > 0

url_secret_kind(remote) := "user:password" if {
	remote.url_has_password == true
} else := sprintf("query parameter %s", [concat(", ", remote.url_secret_params)])

credential_file_exposure(cred) := "committed in the repository" if {
	cred.tracked_by_git == true
} else := "inside the repository and not git-ignored" if {
	cred.git_ignored == false
} else := "git-ignored, but present in a tree without git metadata: every copy of this tree carries it" if {
	cred.tracked_by_git == null
	cred.git_ignored == true
}
