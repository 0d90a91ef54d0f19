package mlscan.controls.model.unanalysable_model

import rego.v1

mk_file(extra) := object.union({
	"path": "models/m.pt", "format": "pytorch", "declared_format": "pytorch", "sha256": "ab",
	"container": "zip", "container_anomalies": [], "unreadable_members": [],
	"loc": {"path": "models/m.pt", "line": null, "col": null, "end_line": null, "end_col": null},
}, extra)

test_fires_on_unreadable_pickle_member if {
	vs := deny with input as {"artifacts": {"files": [mk_file({"unreadable_members": [{"member": "archive/data.pkl", "reason": "compression method 99"}]})]}}
	count(vs) == 1
	some v in vs
	contains(v.msg, "pickle member archive/data.pkl cannot be read")
	v.asset == "models/m.pt"
}

test_fires_on_zip_anomalies if {
	vs := deny with input as {"artifacts": {"files": [mk_file({"container_anomalies": ["zip-bad-crc", "zip-name-mismatch"]})]}}
	some v in vs
	contains(v.msg, "zip-bad-crc, zip-name-mismatch")
}

test_fires_on_7z_declared_pytorch if {
	vs := deny with input as {"artifacts": {"files": [mk_file({"format": "7z", "container": "7z", "unreadable_members": [{"member": "*", "reason": "7z archive: its members are not decompressed by mlscan"}]})]}}
	count(vs) == 1
	some v in vs
	v.msg == "models/m.pt cannot be analysed safely: it is a 7z archive where its name declares a pytorch model, which no model saver writes; its content cannot be read (7z archive: its members are not decompressed by mlscan)"
}

test_fires_registry_file if {
	vs := deny with input as {"mlflow_registry": {"versions": [{
		"logical_location": "models:/m/1", "loc": {"path": "models:/m/1", "line": null, "col": null, "end_line": null, "end_col": null},
		"model_files": [object.union(mk_file({"container": "rar"}), {"logical_path": "models:/m/1/m.pt"})],
	}]}}
	some v in vs
	v.asset == "models:/m/1"
}

test_silent_on_clean_torch_zip if {
	count(deny) == 0 with input as {"artifacts": {"files": [mk_file({})]}}
}

test_silent_on_a_sniffed_tar if {
	count(deny) == 0 with input as {"artifacts": {"files": [mk_file({"format": "tar", "container": "tar", "declared_format": "sniffed"})]}}
}

test_silent_on_unknown_anomaly_name if {
	count(deny) == 0 with input as {"artifacts": {"files": [mk_file({"container_anomalies": ["zip-comment"]})]}}
}
