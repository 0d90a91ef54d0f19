# METADATA
# title: MLflow tracking server or registry reachable without authentication
# description: >-
#   An mlflow server or mlflow ui listens on a non-loopback address without the basic-auth app
#   (in a command line, container definition or script), or a Helm chart deploys MLflow with
#   authentication off (auth.enabled false or left at the community chart's default). A
#   Dockerfile CMD counts only where no deployment in the repository sets the command itself.
#   Anyone who can reach it can read experiments, download models, and register or promote a
#   model version that production then serves.
# custom:
#   id: MLS-MLF-001
#   severity: critical
#   stride: [spoofing, elevation-of-privilege]
#   linddun: []
#   atlas: [AML.T0049]
#   owasp_ml: [ML05]
#   cwe: [306]
#   references: ["https://mlflow.org/docs/latest/auth/index.html"]
#   remediation: >-
#     Start the server with `--app-name basic-auth` (and a non-default admin password), or keep it
#     on 127.0.0.1 behind an authenticating reverse proxy.
package mlscan.controls.mlflow.server_without_auth

import data.mlscan.lib.mlflow
import rego.v1

deny contains v if {
	some server in input.mlflow.servers
	server.kind in {"server", "ui"}
	mlflow.exposed(server)
	not server.auth_enabled
	not _image_default_replaced(server)
	v := {
		"msg": sprintf(
			"mlflow %s listens on %s without authentication (%s)%s",
			[server.kind, server.host, auth_note(server), service_note(server)],
		),
		"loc": mlflow.flag_loc(server, "host_loc"),
		"asset": concat(":", [server.path, server.service]),
		"related": [server.loc],
		"evidence": {"host": server.host, "source": server.source, "auth_setting": object.get(server, "auth_setting", null)},
	}
}

service_note(server) := sprintf(" in service '%s'", [server.service]) if server.service != ""

service_note(server) := "" if server.service == ""

# Chart values say which setting left authentication off; a command line lacks the flag.
auth_note(server) := sprintf("%s is false", [server.auth_setting]) if {
	object.get(server, "auth_setting", null) != null
	server.auth_setting_value == false
}

auth_note(server) := sprintf("%s not set; the %s chart defaults to no authentication", [server.auth_setting, server.chart]) if {
	object.get(server, "auth_setting", null) != null
	server.auth_setting_value == null
}

auth_note(server) := "no --app-name basic-auth" if object.get(server, "auth_setting", null) == null

# A Dockerfile CMD is the image's default: where the repository also deploys MLflow with its
# own command (compose, Kubernetes, Helm, ECS, ...), the deployments decide how it runs and
# are judged themselves.
_deployment_sources := {
	"compose", "kubernetes", "helm-values", "helm-set", "helmfile", "argocd", "terraform-helm",
	"ecs", "cloudformation", "cloud-run", "app-runner", "container-app",
}

_image_default_replaced(server) if {
	server.source == "dockerfile"
	some other in input.mlflow.servers
	other.source in _deployment_sources
	_project_image(other)
}

# The deployment runs the project's own image (built here), not a published MLflow image.
_project_image(other) if object.get(other, "image", null) == null

_project_image(other) if {
	is_string(other.image)
	not regex.match(`(^|/)mlflow/mlflow([:@]|$)|bitnami/mlflow|burakince/mlflow`, other.image)
}
