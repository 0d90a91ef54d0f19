package mlscan.controls.dvc.remote_credentials

import rego.v1

mk_loc(path, line, col) := {"path": path, "line": line, "col": col, "end_line": line, "end_col": col + 10}

repo_cfg := {"path": ".dvc/config", "level": "repo", "tracked_by_git": true, "gitignore_covers_local": null, "secrets": []}

local_cfg(tracked, covered) := {
	"path": ".dvc/config.local", "level": "local", "tracked_by_git": tracked,
	"gitignore_covers_local": covered, "secrets": [],
}

mk_remote(secrets) := {
	"name": "storage", "url": "s3://bucket/dvc", "url_has_password": false, "url_secret_params": [],
	"endpoint_url_has_password": false, "options": [], "credential_files": [],
	"url_loc": mk_loc(".dvc/config", 4, 5), "loc": mk_loc(".dvc/config", 3, 1), "secrets": secrets,
}

mk_secret(path, line) := {"key": "secret_access_key", "present": true, "loc": mk_loc(path, line, 5)}

test_fires_on_committed_config if {
	r := mk_remote([mk_secret(".dvc/config", 5)])
	vs := deny with input as {"dvc": {"configs": [repo_cfg], "remotes": [r]}}
	count(vs) == 1
	some v in vs
	v.loc.line == 5
	v.loc.col == 5
	v.key == "secret_access_key"
	v.asset == "storage"
	contains(v.msg, "committed with the repository")
}

test_silent_on_ignored_local_config if {
	r := mk_remote([mk_secret(".dvc/config.local", 3)])
	count(deny) == 0 with input as {"dvc": {"configs": [repo_cfg, local_cfg(false, true)], "remotes": [r]}}
}

test_fires_on_tracked_local_config if {
	r := mk_remote([mk_secret(".dvc/config.local", 3)])
	vs := deny with input as {"dvc": {"configs": [repo_cfg, local_cfg(true, true)], "remotes": [r]}}
	some v in vs
	contains(v.msg, "which git tracks")
}

test_fires_on_unignored_local_config if {
	r := mk_remote([mk_secret(".dvc/config.local", 3)])
	vs := deny with input as {"dvc": {"configs": [repo_cfg, local_cfg(false, false)], "remotes": [r]}}
	some v in vs
	contains(v.msg, "not git-ignored")
}

test_silent_on_absent_secret if {
	s := object.union(mk_secret(".dvc/config", 5), {"present": false})
	count(deny) == 0 with input as {"dvc": {"configs": [repo_cfg], "remotes": [mk_remote([s])]}}
}

test_fires_on_url_password if {
	r := object.union(mk_remote([]), {"url_has_password": true, "url": "https://u:***@host/dvc"})
	vs := deny with input as {"dvc": {"configs": [repo_cfg], "remotes": [r]}}
	some v in vs
	v.key == "url"
	v.loc.line == 4
	not contains(v.msg, "***")
}

test_fires_on_committed_key_file if {
	cred := {"key": "keyfile", "workspace_path": "keys/id_rsa", "exists": true, "tracked_by_git": true, "git_ignored": false, "loc": mk_loc(".dvc/config", 6, 5)}
	r := object.union(mk_remote([]), {"credential_files": [cred]})
	vs := deny with input as {"dvc": {"configs": [repo_cfg], "remotes": [r]}}
	some v in vs
	v.key == "keyfile"
}

test_silent_on_key_file_outside_repo if {
	cred := {"key": "keyfile", "workspace_path": null, "exists": false, "tracked_by_git": null, "git_ignored": null, "loc": mk_loc(".dvc/config", 6, 5)}
	r := object.union(mk_remote([]), {"credential_files": [cred]})
	count(deny) == 0 with input as {"dvc": {"configs": [repo_cfg], "remotes": [r]}}
}

test_fires_on_studio_token if {
	cfg := object.union(repo_cfg, {"secrets": [{"section": "studio", "key": "token", "present": true, "loc": mk_loc(".dvc/config", 2, 5)}]})
	vs := deny with input as {"dvc": {"configs": [cfg], "remotes": []}}
	some v in vs
	v.asset == "studio"
}

test_fires_on_unignored_untracked_key_file if {
	cred := {"key": "keyfile", "workspace_path": "keys/id_rsa", "exists": true, "tracked_by_git": false, "git_ignored": false, "loc": mk_loc(".dvc/config", 6, 5)}
	r := object.union(mk_remote([]), {"credential_files": [cred]})
	vs := deny with input as {"dvc": {"configs": [repo_cfg], "remotes": [r]}}
	some v in vs
	contains(v.msg, "not git-ignored")
}

test_silent_on_ignored_key_file if {
	cred := {"key": "keyfile", "workspace_path": "keys/id_rsa", "exists": true, "tracked_by_git": false, "git_ignored": true, "loc": mk_loc(".dvc/config", 6, 5)}
	r := object.union(mk_remote([]), {"credential_files": [cred]})
	count(deny) == 0 with input as {"dvc": {"configs": [repo_cfg], "remotes": [r]}}
}

test_fires_on_endpoint_password if {
	o := {"key": "endpointurl", "value": "https://minio:***@minio.internal:9000", "effective": true, "loc": mk_loc(".dvc/config", 6, 5)}
	r := object.union(mk_remote([]), {"endpoint_url_has_password": true, "options": [o]})
	vs := deny with input as {"dvc": {"configs": [repo_cfg], "remotes": [r]}}
	count(vs) == 1
	some v in vs
	v.key == "endpointurl"
	v.loc.line == 6
}

test_silent_on_endpoint_password_in_ignored_local_config if {
	o := {"key": "endpointurl", "value": "https://minio:***@minio.internal:9000", "effective": true, "loc": mk_loc(".dvc/config.local", 2, 5)}
	r := object.union(mk_remote([]), {"endpoint_url_has_password": true, "options": [o]})
	count(deny) == 0 with input as {"dvc": {"configs": [repo_cfg, local_cfg(false, true)], "remotes": [r]}}
}

# Outside git (tracked_by_git null): an ignored config.local that is present ships with the tree.
test_fires_on_ignored_local_config_outside_git if {
	r := mk_remote([mk_secret(".dvc/config.local", 4)])
	vs := deny with input as {"dvc": {"configs": [repo_cfg, local_cfg(null, true)], "remotes": [r]}}
	count(vs) == 1
	some v in vs
	v.loc.line == 4
	contains(v.msg, "without git metadata")
}

test_fires_on_ignored_key_file_outside_git if {
	cred := {"key": "keyfile", "workspace_path": "keys/id_rsa", "exists": true, "tracked_by_git": null, "git_ignored": true, "has_key_material": true, "loc": mk_loc(".dvc/config", 6, 5)}
	r := object.union(mk_remote([]), {"credential_files": [cred]})
	vs := deny with input as {"dvc": {"configs": [repo_cfg], "remotes": [r]}}
	count(vs) == 1
	some v in vs
	v.key == "keyfile"
	contains(v.msg, "without git metadata")
}

test_silent_on_committed_placeholder_key_file if {
	cred := {"key": "gdrive_service_account_json_file_path", "workspace_path": "sa.json", "exists": true, "tracked_by_git": true, "git_ignored": false, "has_key_material": false, "loc": mk_loc(".dvc/config", 6, 5)}
	r := object.union(mk_remote([]), {"credential_files": [cred]})
	count(deny) == 0 with input as {"dvc": {"configs": [repo_cfg], "remotes": [r]}}
}

test_fires_on_committed_key_file_of_unknown_content if {
	cred := {"key": "kerb_ticket", "workspace_path": "krb5cc", "exists": true, "tracked_by_git": true, "git_ignored": false, "has_key_material": null, "loc": mk_loc(".dvc/config", 6, 5)}
	r := object.union(mk_remote([]), {"credential_files": [cred]})
	count(deny) == 1 with input as {"dvc": {"configs": [repo_cfg], "remotes": [r]}}
}
