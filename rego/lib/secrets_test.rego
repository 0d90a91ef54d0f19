package mlscan.lib.secrets

import rego.v1

mk(over) := object.union({"kind": "compose", "service": "svc", "image": "", "env": null, "option": null, "uri_part": null, "target": "command"}, over)

test_backend_store_uri if {
	unlocks(mk({"service": "mlflow", "option": "backend-store-uri", "uri_part": "password"})) == "the password in the MLflow backend-store URI of service 'mlflow'"
}

test_minio_root if {
	unlocks(mk({"service": "minio", "image": "minio/minio:RELEASE.2024", "env": "MINIO_ROOT_PASSWORD"})) == "the MinIO root credentials of the artifact store (service 'minio')"
}

test_mlflow_s3 if {
	unlocks(mk({"service": "tracking", "image": "ghcr.io/mlflow/mlflow:v2", "env": "AWS_SECRET_ACCESS_KEY"})) == "the artifact-store credentials (AWS_SECRET_ACCESS_KEY) of the MLflow server 'tracking'"
}

test_database if {
	unlocks(mk({"service": "db", "image": "postgres:16", "env": "POSTGRES_PASSWORD"})) == "the database password of service 'db'"
}

test_generic if {
	unlocks(mk({"service": "api", "env": "API_KEY"})) == "environment variable API_KEY of service 'api'"
}

test_test_paths if {
	test_path("tests/unit/conf.env")
	test_path("src/test_loader.py")
	not test_path("src/latest/app.py")
}

test_covered_by_mlflow_env if {
	is_covered({"loc": {"path": "c.yml", "line": 4}}) with input as {"mlflow": {"environment": [{"has_password": true, "loc": {"path": "c.yml", "line": 4}}]}}
}

test_covered_by_mlflow_server_flag_and_next_args_item if {
	server := {"backend_store_uri_has_password": true, "backend_store_uri_loc": {"path": "k8s/m.yaml", "line": 28, "end_line": 28}}
	is_covered({"loc": {"path": "k8s/m.yaml", "line": 29}}) with input as {"mlflow": {"servers": [server]}}
	not is_covered({"loc": {"path": "k8s/m.yaml", "line": 30}}) with input as {"mlflow": {"servers": [server]}}
}

test_template_and_doc_paths if {
	template_path("deploy/.env.example")
	template_path("config.sample.yaml")
	template_path(".env.template")
	not template_path("deploy/.env")
	not template_path("src/examples.py")
	doc_path("README.md")
	not doc_path("src/readme.py")
}
