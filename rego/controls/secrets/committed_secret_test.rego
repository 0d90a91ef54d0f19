package mlscan.controls.secrets.committed_secret

import rego.v1

mk(over) := object.union({
	"key": "MYSQL_PASSWORD", "detectors": ["Secret Keyword"], "file_kind": "dotenv",
	"value_kind": "literal", "uri_part": null, "value_group": null, "tracked": true,
	"ignored_by_gitignore": false, "context": null, "k8s_secret": null, "values_path": null,
	"cell": null, "loc": {"path": "deploy/.env", "line": 7, "col": null, "end_line": 7, "end_col": null},
}, over)

link := {
	"via": "compose-interpolation",
	"secret": {"key": "MYSQL_PASSWORD", "loc": {"path": "deploy/.env", "line": 7, "col": null, "end_line": 7, "end_col": null}, "detectors": ["Secret Keyword"]},
	"target": {"kind": "compose", "file": "deploy/docker-compose.yml", "service": "mlflow", "image": "ghcr.io/mlflow/mlflow:v2.12.1", "env": null, "option": "backend-store-uri", "uri_part": "password", "target": "command"},
	"target_loc": {"path": "deploy/docker-compose.yml", "line": 47, "col": 3, "end_line": 47, "end_col": 9},
}

test_fires_on_linked_dotenv_secret if {
	some v in deny with input as {"secrets": {"secrets": [mk({})], "links": [link]}}
	v.msg == "deploy/.env L7 `MYSQL_PASSWORD` (Secret Keyword) is committed: it is the password in the MLflow backend-store URI of service 'mlflow' (deploy/docker-compose.yml L47)"
	v.severity == "critical"
	v.related[0].line == 47
}

test_fires_with_gitignore_and_shared_value if {
	a := mk({"ignored_by_gitignore": true, "value_group": "g1"})
	b := mk({"key": "secret_key", "file_kind": "python", "value_group": "g1", "loc": {"path": "src/store.py", "line": 3}})
	vs := deny with input as {"secrets": {"secrets": [a, b], "links": []}}
	some v in vs
	v.loc.path == "deploy/.env"
	contains(v.msg, "although .gitignore ignores the file")
	contains(v.msg, "also in src/store.py L3")
}

test_fires_high_for_unlinked_entropy if {
	some v in deny with input as {"secrets": {"secrets": [mk({"detectors": ["Base64 High Entropy String"]})], "links": []}}
	v.severity == "high"
}

test_silent_on_placeholder_reference_default_prose_and_tests if {
	s := [
		mk({"value_kind": "placeholder"}),
		mk({"value_kind": "reference"}),
		mk({"value_kind": "default"}),
		mk({"value_kind": "prose", "key": "NO_API_KEY", "file_kind": "python"}),
		mk({"loc": {"path": "tests/fixtures/.env", "line": 2}}),
	]
	count(deny) == 0 with input as {"secrets": {"secrets": s, "links": []}}
}

test_silent_when_mlflow_control_reports_it if {
	env := {"has_password": true, "loc": {"path": "deploy/.env", "line": 7}}
	count(deny) == 0 with input as {"secrets": {"secrets": [mk({})], "links": []}, "mlflow": {"environment": [env]}}
}

test_silent_on_keyword_match_of_other_name if {
	count(deny) == 0 with input as {"secrets": {"secrets": [mk({"key": "tokenizer", "key_is_secret_name": false})], "links": []}}
}

test_fires_naming_the_compose_service_in_place if {
	ctx := {"kind": "compose", "file": "docker-compose.yml", "service": "minio", "image": "minio/minio", "env": "MINIO_ROOT_PASSWORD", "option": null, "uri_part": null}
	s := mk({"key": "MINIO_ROOT_PASSWORD", "file_kind": "compose", "context": ctx, "loc": {"path": "docker-compose.yml", "line": 9}})
	some v in deny with input as {"secrets": {"secrets": [s], "links": []}}
	v.msg == "docker-compose.yml L9 `MINIO_ROOT_PASSWORD` (Secret Keyword) is committed: it is the MinIO root credentials of the artifact store (service 'minio')"
}

test_silent_on_entropy_match_of_a_model_name if {
	count(deny) == 0 with input as {"secrets": {"secrets": [mk({"key": "name", "key_is_secret_name": false, "detectors": ["Base64 High Entropy String"]})], "links": []}}
}

test_silent_in_env_templates_and_weak_doc_examples if {
	count(deny) == 0 with input as {"secrets": {"secrets": [
		mk({"loc": {"path": "deploy/.env.example", "line": 3}}),
		mk({"loc": {"path": "config.sample.yaml", "line": 3}}),
		mk({"loc": {"path": "docs/install.md", "line": 9}}),
	], "links": []}}
}

test_fires_on_generated_token_in_readme if {
	some v in deny with input as {"secrets": {"secrets": [mk({"key": "MLFLOW_TRACKING_PASSWORD", "detectors": ["Hex High Entropy String", "Secret Keyword"], "loc": {"path": "README.md", "line": 5}})], "links": []}}
	v.loc.line == 5
}
