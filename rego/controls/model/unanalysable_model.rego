# METADATA
# title: Model file cannot be analysed safely
# description: >-
#   A model container hides its pickle from analysis: a member that cannot be read (corrupt,
#   over a limit, an unsupported compression), a zip that model loaders read but Python's
#   zipfile refuses (a local-header name that differs from the central directory, the
#   "encrypted" flag without encryption, a wrong CRC: CVE-2025-1944, CVE-2025-1945,
#   CVE-2025-10156), or a 7z/rar/tar archive whose name declares a PyTorch, pickle or joblib
#   file (the "nullifAI" technique). No legitimate saver writes any of these, and scanners that give up
#   on them report nothing, so the payload loads unseen.
#   Files of live MLflow registry versions are analysed too when downloaded
#   (--mlflow-download-artifacts), reported at models:/<name>/<version>.
# custom:
#   id: MLS-MOD-008
#   severity: high
#   stride: [tampering, elevation-of-privilege]
#   linddun: []
#   atlas: [AML.T0011.000, AML.T0018.002]
#   owasp_ml: [ML10]
#   cwe: [502, 693]
#   references: ["https://nvd.nist.gov/vuln/detail/CVE-2025-1944", "https://nvd.nist.gov/vuln/detail/CVE-2025-1945", "https://nvd.nist.gov/vuln/detail/CVE-2025-10156"]
#   remediation: >-
#     Do not load the file. Re-export the model with the library's own saver from a trusted
#     source (or convert it to safetensors) and compare its hash with the publisher's.
package mlscan.controls.model.unanalysable_model

import rego.v1

# container anomalies that a legitimate saver never produces
evasive_anomalies := {"zip-name-mismatch", "zip-encrypted-flag", "zip-bad-crc"}

# containers no model saver writes for a pickle-based model
foreign_containers := {"7z", "rar", "tar"}

# formats a file's name declares that mean "this is a pickle-based model"
pickle_declared := {"pytorch", "pickle", "joblib"}

deny contains v if {
	some f in input.artifacts.files
	reasons := _reasons(f)
	count(reasons) > 0
	v := {
		"msg": sprintf("%s cannot be analysed safely: %s", [f.path, concat("; ", sort(reasons))]),
		"loc": f.loc,
		"asset": f.path,
		"evidence": {"format": f.format, "declared_format": f.declared_format, "sha256": f.sha256},
	}
}

# files of a registry model version downloaded with --mlflow-download-artifacts
deny contains v if {
	some mv in input.mlflow_registry.versions
	some f in mv.model_files
	reasons := _reasons(f)
	count(reasons) > 0
	v := {
		"msg": sprintf("%s cannot be analysed safely: %s", [f.logical_path, concat("; ", sort(reasons))]),
		"loc": mv.loc,
		"asset": mv.logical_location,
		"logical_location": mv.logical_location,
		"key": f.path,
		"evidence": {"file": f.path, "format": f.format},
	}
}

_reasons(f) := {why |
	some why in _unreadable(f)
} | {why |
	some why in _anomalies(f)
} | {why |
	some why in _foreign(f)
}

_unreadable(f) := {_unreadable_text(m) | some m in object.get(f, "unreadable_members", [])}

_unreadable_text(m) := sprintf("its content cannot be read (%s)", [m.reason]) if m.member == "*"

else := sprintf("its pickle member %s cannot be read (%s)", [m.member, m.reason])

_anomalies(f) := {sprintf("its zip structure has %s, which model loaders accept and Python's zipfile refuses", [concat(", ", found)]) |
	found := sort([a | some a in object.get(f, "container_anomalies", []); a in evasive_anomalies])
	count(found) > 0
}

_foreign(f) := {sprintf("it is a %s archive where its name declares a %s model, which no model saver writes", [f.container, f.declared_format]) |
	f.container in foreign_containers
	f.declared_format in pickle_declared
}
