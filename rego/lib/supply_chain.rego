package mlscan.lib.supply_chain

import rego.v1

# A commit SHA: the only immutable reference on the Hugging Face Hub and on GitHub.
sha(rev) if regex.match(`^[0-9a-f]{40}$`, rev)

# Loaders whose reference names a Hub repository (or a Hub dataset script).
hub_kinds := {"from_pretrained", "hf_hub_download", "snapshot_download", "pipeline", "load_dataset", "sentence_transformer"}

# A literal that names a local folder or file, not a Hub repository.
local_ref(ref) if regex.match(`^(\.{0,2}/|~|[A-Za-z]:\\)`, ref)

local_ref(ref) if contains(ref, "\\")

local_ref(ref) if regex.match(`\.(pt|pth|bin|ckpt|safetensors|onnx|pkl|joblib|h5|json|csv|parquet|txt|zip)$`, lower(ref))

local_ref(ref) if regex.match(`^(s3|gs|gcs|az|abfss?|hdfs|file|https?)://`, ref)

# A reference read from the project itself (a folder the workspace holds).
hub_ref(load) if {
	load.reference_kind in {"literal", "constant", "param"}
	is_string(load.reference)
	not local_ref(load.reference)
	not load.reference_in_workspace
	not load.reference_saved_locally
	regex.match(`^[A-Za-z0-9][\w.\-]*(/[\w.\-]+)?$`, load.reference)
}

# The revision argument leaves the download mutable (absent, or a branch / tag name).
mutable_revision(load) if load.revision_kind == "absent"

mutable_revision(load) if {
	load.revision_kind in {"literal", "constant", "param"}
	not sha(load.revision)
}

revision_text(load) := "no revision" if load.revision_kind == "absent"

revision_text(load) := sprintf("revision '%s' (a branch or tag, not a commit)", [load.revision]) if load.revision_kind != "absent"

# torch.hub: "owner/repo[:ref]" from GitHub unless source='local'.
hub_github(load) if {
	load.kind == "torch_hub"
	load.source != "local"
	load.reference_kind in {"literal", "constant", "param"}
	regex.match(`^[\w.\-]+/[\w.\-]+(:[^\s]+)?$`, load.reference)
}

torch_hub_ref(load) := split(load.reference, ":")[1] if contains(load.reference, ":")

torch_hub_ref(load) := "" if not contains(load.reference, ":")

# hf://org/model[:revision] (KServe storage URIs)
hf_uri_revision(uri) := split(trim_prefix(uri, "hf://"), ":")[1] if contains(trim_prefix(uri, "hf://"), ":")

hf_uri_revision(uri) := "" if not contains(trim_prefix(uri, "hf://"), ":")

# Buckets and hosts that publish example models for anyone (not the project's own).
public_example_buckets := {"kfserving-examples", "kserve-examples", "seldon-models", "tfhub-modules", "sagemaker-sample-files", "mlflow-examples", "torchserve"}

uri_bucket(uri) := split(split(uri, "://")[1], "/")[0] if regex.match(`^(s3|gs|gcs)://`, uri)

# Buckets the project defines or already uses (IaC, DVC remotes, MLflow roots).
own_buckets contains b.name if {
	some b in input.assets.buckets
}

has_own_buckets if count(own_buckets) > 0

pickle_formats := {"pickle", "torch", "keras", "archive"}

# Signing is configured when the project trusts a key, identity or certificate.
signing_configured if input.signatures.policy.trusted_keys > 0

signing_configured if input.signatures.policy.trusted_identities > 0

signing_configured if input.signatures.policy.trusted_certificates > 0

# Code that serves predictions (not training, not notebooks).
serving_path(path) if regex.match(`(^|/)(serv(e|ing|er)?|app|api|inference|predict(or)?|handler|deploy)[\w\-]*(/|\.py$)`, lower(path))

# datasets' packaged builders read local or given files: no Hub repository is pulled.
packaged_builders := {"csv", "json", "parquet", "text", "imagefolder", "audiofolder", "arrow", "pandas", "sql", "webdataset", "generator", "videofolder", "xml"}

# Short text of a loader call for messages.
call_text(load) := sprintf("%s('%s')", [load.kind, load.reference]) if is_string(load.reference)

call_text(load) := sprintf("%s(...)", [load.kind]) if not is_string(load.reference)
