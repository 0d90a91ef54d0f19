package mlscan.controls.dvc.output_without_hash

import rego.v1

mk_loc(path, line) := {"path": path, "line": line, "col": 3, "end_line": line, "end_col": 20}

mk_out(kind, hash, imported) := {
	"path": "data/train.csv", "source": "data/train.csv.dvc", "source_kind": kind,
	"stage": null, "hash_name": "md5", "hash_value": hash, "imported": imported,
	"loc": mk_loc("data/train.csv.dvc", 4),
}

test_fires_without_hash if {
	vs := deny with input as {"dvc": {"outputs": [mk_out("dvc_file", null, false)]}}
	count(vs) == 1
	some v in vs
	v.loc.line == 4
	v.asset == "data/train.csv"
	contains(v.msg, "has no content hash")
	not contains(v.msg, "--no-exec")
}

test_fires_for_no_exec_import if {
	vs := deny with input as {"dvc": {"outputs": [mk_out("dvc_file", null, true)]}}
	some v in vs
	contains(v.msg, "--no-exec")
}

test_fires_for_unlocked_stage if {
	o := object.union(mk_out("dvc_yaml", null, false), {"stage": "train", "source": "dvc.yaml"})
	vs := deny with input as {"dvc": {"outputs": [o]}}
	some v in vs
	contains(v.msg, "not recorded in dvc.lock")
}

test_silent_with_hash if {
	count(deny) == 0 with input as {"dvc": {"outputs": [mk_out("dvc_lock", "0123456789abcdef0123456789abcdef", false)]}}
}

test_silent_without_dvc if {
	count(deny) == 0 with input as {}
}

test_silent_with_inline_file_hashes if {
	o := object.union(mk_out("dvc_file", null, false), {"files_recorded": 2})
	count(deny) == 0 with input as {"dvc": {"outputs": [o]}}
}

test_fires_with_empty_inline_files if {
	o := object.union(mk_out("dvc_file", null, false), {"files_recorded": 0})
	count(deny) == 1 with input as {"dvc": {"outputs": [o]}}
}

test_fires_for_lock_output if {
	o := object.union(mk_out("dvc_lock", null, false), {"stage": "train", "source": "dvc.lock"})
	vs := deny with input as {"dvc": {"outputs": [o]}}
	some v in vs
	v.msg == "DVC output 'data/train.csv' of stage 'train' has no content hash (md5/etag) in dvc.lock"
}
