package mlscan.lib.secrets

import rego.v1

# What a secret unlocks, named from where it is used (a compose service, a Kubernetes
# workload, a Helm chart): the service's image, the environment variable it feeds, the
# command option and the place in a URI. Users can extend the tables with --policy.

minio_env := {"MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD", "MINIO_ACCESS_KEY", "MINIO_SECRET_KEY"}

s3_env := {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}

db_env := {"POSTGRES_PASSWORD", "MYSQL_PASSWORD", "MYSQL_ROOT_PASSWORD", "MARIADB_PASSWORD", "MARIADB_ROOT_PASSWORD", "PGPASSWORD"}

backend_env := {"MLFLOW_BACKEND_STORE_URI", "BACKEND_STORE_URI", "DATABASE_URL", "MLFLOW_DATABASE_URI"}

tracking_env := {"MLFLOW_TRACKING_PASSWORD", "MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_USERNAME"}

artifact_options := {"default-artifact-root", "artifacts-destination"}

_env(t) := upper(t.env) if is_string(t.env)

_env(t) := "" if not is_string(t.env)

_mlflow(t) if contains(lower(t.image), "mlflow")

_mlflow(t) if contains(lower(t.service), "mlflow")

_minio(t) if contains(lower(t.image), "minio")

_minio(t) if contains(lower(t.service), "minio")

_minio(t) if startswith(_env(t), "MINIO_ROOT_")

_db(t) if regex.match(`(^|/)(postgres|mysql|mariadb)`, lower(t.image))

# unlocks(target) := a phrase naming the ML asset; exactly one value per target.
unlocks(t) := sprintf("the password in the MLflow backend-store URI of service '%s'", [t.service]) if {
	t.option == "backend-store-uri"
} else := sprintf("the credentials in the MLflow artifact-store URI of service '%s'", [t.service]) if {
	t.option in artifact_options
} else := sprintf("the MLflow backend-store URI of service '%s'", [t.service]) if {
	_env(t) in backend_env
} else := sprintf("the MinIO root credentials of the artifact store (service '%s')", [t.service]) if {
	_minio(t)
	_env(t) in minio_env
} else := sprintf("the artifact-store credentials (%s) of the MLflow server '%s'", [_env(t), t.service]) if {
	_mlflow(t)
	_env(t) in s3_env
} else := sprintf("the MLflow tracking-server credentials (%s) used by '%s'", [_env(t), t.service]) if {
	_env(t) in tracking_env
} else := sprintf("the database password of service '%s'", [t.service]) if {
	_db(t)
	_env(t) in db_env
} else := sprintf("the object-store credentials (%s) of service '%s'", [_env(t), t.service]) if {
	_env(t) in s3_env
} else := sprintf("the password in the %s URI of service '%s'", [_target_name(t), t.service]) if {
	t.uri_part == "password"
} else := sprintf("%s of service '%s'", [_target_name(t), t.service])

_target_name(t) := sprintf("--%s", [t.option]) if is_string(t.option)

_target_name(t) := sprintf("environment variable %s", [t.env]) if {
	not is_string(t.option)
	is_string(t.env)
}

_target_name(t) := object.get(t, "target", "a setting") if {
	not is_string(t.option)
	not is_string(t.env)
}

# Test code, fixtures and examples hold test values, not committed secrets.
test_path(path) if regex.match(`(^|/)(tests?|testing|fixtures?|__tests__)/`, path)

test_path(path) if regex.match(`(^|/)(test_[^/]*|[^/]*_test\.py|conftest\.py)$`, path)

# Places another control already reports (DVC config secrets, MLflow URIs and admin
# passwords): "path:line" keys, so one committed value gives one finding.
covered contains sprintf("%s:%d", [s.loc.path, s.loc.line]) if {
	some remote in input.dvc.remotes
	some s in remote.secrets
	s.loc.line != null
}

covered contains sprintf("%s:%d", [s.loc.path, s.loc.line]) if {
	some cfg in input.dvc.configs
	some s in cfg.secrets
	s.loc.line != null
}

covered contains sprintf("%s:%d", [remote.url_loc.path, remote.url_loc.line]) if {
	some remote in input.dvc.remotes
	remote.url_loc.line != null
}

covered contains sprintf("%s:%d", [loc.path, line]) if {
	some server in input.mlflow.servers
	server.backend_store_uri_has_password
	loc := server.backend_store_uri_loc
	loc.line != null
	# the flag's loc; in a Kubernetes args list the value is the next item, on the next line
	some line in numbers.range(loc.line, object.get(loc, "end_line", loc.line) + 1)
}

covered contains sprintf("%s:%d", [env.loc.path, line]) if {
	some env in input.mlflow.environment
	env.has_password
	# a Kubernetes env entry: `- name:` on this line, `value:` on the next
	some line in [env.loc.line, env.loc.line + 1]
}

covered contains sprintf("%s:%d", [cfg.database_uri_loc.path, cfg.database_uri_loc.line]) if {
	some cfg in input.mlflow.auth_configs
	cfg.database_uri_has_password
}

covered contains sprintf("%s:%d", [cfg.admin_password_loc.path, cfg.admin_password_loc.line]) if {
	some cfg in input.mlflow.auth_configs
	cfg.admin_password_present
}

is_covered(secret) if sprintf("%s:%d", [secret.loc.path, secret.loc.line]) in covered

# Every link of a secret (by its location).
links_of(secret) := [l |
	some l in input.secrets.links
	l.secret.loc.path == secret.loc.path
	l.secret.loc.line == secret.loc.line
]

# The other places that hold the same value.
same_value(secret) := [s.loc |
	secret.value_group != null
	some s in input.secrets.secrets
	s.value_group == secret.value_group
	s.loc != secret.loc
]

# Only the generic detectors (keyword, entropy) fired, on a key whose words name no
# credential (`tokenizer: bert-base`, `name: Org/Model-Name`): not a secret. Provider
# patterns (AWS keys, private keys, URL passwords, tokens with a known prefix) always count.
generic_detectors := {"Secret Keyword", "Base64 High Entropy String", "Hex High Entropy String"}

keyword_on_other_name(secret) if {
	every d in secret.detectors {
		d in generic_detectors
	}
	secret.key_is_secret_name == false
}

# Templates of an env or config file (`.env.example`, `config.sample.yaml`): their values
# document the variables; MLS-SEC-001 leaves them to MLS-SEC-003 (defaults).
template_path(path) if regex.match(`(^|/)[^/]*[.\-_](example|sample|template|dist|tpl)([.][^/]*)?$`, lower(path))

# Documentation (README, guides): only a value that looks generated (a provider pattern or
# a high-entropy string) is a committed secret; `password=mlflow_pass` in a guide is an
# example.
doc_path(path) if regex.match(`\.(md|markdown|rst)$`, lower(path))

weak_in_docs(secret) if {
	doc_path(secret.loc.path)
	every d in secret.detectors {
		d in {"Secret Keyword", "Basic Auth Credentials"}
	}
}
