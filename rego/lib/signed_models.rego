package mlscan.lib.signed_models

# Every signed model in one shape, whether it is in the workspace (input.signatures.models)
# or a live registry version whose files were downloaded (input.mlflow_registry.versions,
# --mlflow-download-artifacts), so that a control has one rule for both:
#
#   label      how a message names it: "Model models/credit" or "Model version models:/credit/3"
#   asset      the model path, or the version's logical location
#   loc        the model, or the version
#   signature  the signature's path
#   diff       the manifest comparison (null when there is none)
#   registry   true for a registry version
#   related    workspace: the signature's location (registry versions have no file positions)
#   extra      fields a registry finding adds: logical_location

import rego.v1

all_signed contains {
	"label": sprintf("Model %s", [m.path]),
	"asset": m.path,
	"loc": m.loc,
	"signature": m.signature_path,
	"diff": m.manifest_diff,
	"registry": false,
	"related": [m.signature.loc],
	"extra": {},
} if {
	some m in object.get(input, ["signatures", "models"], [])
	is_object(m.signature)
}

all_signed contains {
	"label": sprintf("Model version %s", [mv.logical_location]),
	"asset": mv.logical_location,
	"loc": mv.loc,
	"signature": mv.signature.path,
	"diff": mv.manifest_diff,
	"registry": true,
	"related": [],
	"extra": {"logical_location": mv.logical_location},
} if {
	some mv in object.get(input, ["mlflow_registry", "versions"], [])
	is_object(mv.signature)
}
