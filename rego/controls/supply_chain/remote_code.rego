# METADATA
# title: Code from a model hub or repository executed at load or build time
# description: >-
#   `trust_remote_code=True` runs the Python modules shipped in a Hub repository when the
#   model or dataset loads; `torch.hub.load` imports the hubconf.py of a GitHub repository;
#   `pip install git+https://...` without a commit builds whatever the branch holds into the
#   image. Each executes third-party code with the job's or the server's credentials; unpinned,
#   the code can change under you.
# custom:
#   id: MLS-SUP-002
#   severity: high
#   stride: [tampering, elevation-of-privilege]
#   linddun: []
#   atlas: [AML.T0010, AML.T0010.001, AML.T0011.001]
#   owasp_ml: [ML06]
#   cwe: [494, 829]
#   references: ["https://huggingface.co/docs/transformers/models#custom-models", "https://pytorch.org/docs/stable/hub.html", "https://pip.pypa.io/en/stable/topics/vcs-support/"]
#   remediation: >-
#     Avoid remote code (use a model class in your installed transformers); if you must, pin
#     and review it: `from_pretrained("org/model", trust_remote_code=True,
#     revision="4f2c1a9e0b7d3c5e6f8a9b0c1d2e3f4a5b6c7d8e")`; `torch.hub.load("owner/repo:<sha>",
#     ..., trust_repo=True)` or vendor the code; `pip install
#     "pkg @ git+https://github.com/org/pkg@<40-hex commit>"`.
package mlscan.controls.supply_chain.remote_code

import data.mlscan.lib.supply_chain as lib
import rego.v1

deny contains v if {
	some load in input.supply_chain.loads
	load.trust_remote_code == true
	v := {
		"msg": sprintf("%s runs the repository's Python code (trust_remote_code=True)%s", [lib.call_text(load), pin_text(load)]),
		"loc": load.loc,
		"asset": object.get(load, "reference", null),
		"key": sprintf("trust_remote_code:%v", [load.reference]),
		"severity": pinned_severity(load),
	}
}

deny contains v if {
	some load in input.supply_chain.loads
	lib.hub_github(load)
	v := {
		"msg": sprintf("torch.hub.load('%s') imports and runs hubconf.py from GitHub%s", [load.reference, hub_pin_text(load)]),
		"loc": load.loc,
		"asset": load.reference,
		"key": sprintf("torch_hub:%v", [load.reference]),
		"severity": hub_severity(load),
	}
}

deny contains v if {
	some dep in input.supply_chain.pip_git
	not pinned_git(dep)
	v := {
		"msg": sprintf("%s installs %s from git %s: the build runs whatever that branch holds", [dep.loc.path, dep.url, git_ref_text(dep)]),
		"loc": dep.loc,
		"asset": dep.url,
		"key": dep.url,
	}
}

pinned_git(dep) if {
	is_string(dep.ref)
	lib.sha(dep.ref)
}

git_ref_text(dep) := sprintf("at '%s' (not a commit)", [dep.ref]) if is_string(dep.ref)

git_ref_text(dep) := "without a ref" if not is_string(dep.ref)

pin_text(load) := " pinned to a commit: review that code" if {
	load.revision_kind in {"literal", "constant", "param"}
	lib.sha(load.revision)
} else := " without a pinned commit"

pinned_severity(load) := "medium" if {
	load.revision_kind in {"literal", "constant", "param"}
	lib.sha(load.revision)
} else := "high"

hub_pin_text(load) := " at a pinned commit" if lib.sha(lib.torch_hub_ref(load)) else := ", not pinned to a commit"

hub_severity(load) := "medium" if lib.sha(lib.torch_hub_ref(load)) else := "high"
