# METADATA
# title: Serving code downloads a model without verifying it although signing is configured
# description: >-
#   The project signs its models (mlscan trusts a key, identity or certificate), yet a
#   serving module downloads a model (from the Hub, a URL or torch.hub) and loads it with no
#   signature or hash check in that module: the signature protects nothing at the point of use.
# custom:
#   id: MLS-SUP-004
#   severity: medium
#   stride: [tampering]
#   linddun: []
#   atlas: [AML.T0010.003, AML.T0018]
#   owasp_ml: [ML06, ML10]
#   cwe: [494, 345]
#   references: ["https://github.com/sigstore/model-transparency"]
#   remediation: >-
#     Verify before loading: `model_signing.verifying.Config().use_elliptic_key_verifier(
#     public_key="keys/model-signing.pub").verify(model_dir, "model.sig")` after the download,
#     or pin the download to a commit and compare the file's sha256 with a recorded digest.
package mlscan.controls.supply_chain.unverified_load

import data.mlscan.lib.supply_chain as lib
import rego.v1

deny contains v if {
	lib.signing_configured
	some mod in input.supply_chain.modules
	mod.verifies == false
	lib.serving_path(mod.path)
	v := {
		"msg": sprintf("%s downloads %d model(s) and loads them without a signature or hash check, although the project signs its models", [mod.path, mod.downloads]),
		"loc": mod.loc,
		"asset": mod.path,
	}
}
