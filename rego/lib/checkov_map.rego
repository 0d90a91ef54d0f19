package mlscan.lib.checkov_map

# Curated map from ML-relevant checkov checks to mlscan controls (data, not code).
#
# Only the checks mapped here run unless the configuration sets
# `iac.include_all_checkov: true`; then every other checkov check runs too and its
# failures are reported by MLS-IAC-004 at low severity.
#
# Fields per check:
#   control   the mlscan control the check is evidence for
#   severity  severity of the check's failure when reported on its own
#   stride    STRIDE categories the failure threatens
#   fallback  true: the control reports the failed check itself when mlscan has no fact of
#             its own for that resource; false: evidence only (the control decides from
#             mlscan's own facts)
#
# Review rule: a check belongs here when its failure on a bucket, registry, notebook,
# endpoint or serving workload weakens the confidentiality or integrity of models,
# training data or the inference path.
#
# A --policy folder adds or re-maps checks without editing this package: a package
# `mlscan.user.checkov` with entries of the same shape, e.g.
#
#   package mlscan.user.checkov
#   checks["CKV_AWS_144"] := {"control": "MLS-BKT-004", "severity": "high", "stride": ["tampering"], "fallback": true}
#
# An entry with "control": null removes a check from the map.

import rego.v1

builtin_checks := {
	# --- S3: public exposure -------------------------------------------------------
	"CKV_AWS_20": {"control": "MLS-BKT-001", "severity": "critical", "stride": ["information-disclosure"], "fallback": true},
	"CKV_AWS_57": {"control": "MLS-BKT-001", "severity": "critical", "stride": ["tampering"], "fallback": true},
	"CKV_AWS_70": {"control": "MLS-BKT-001", "severity": "critical", "stride": ["information-disclosure", "tampering"], "fallback": true},
	"CKV2_AWS_6": {"control": "MLS-BKT-001", "severity": "medium", "stride": ["information-disclosure"], "fallback": false},
	"CKV_AWS_53": {"control": "MLS-BKT-001", "severity": "medium", "stride": ["information-disclosure"], "fallback": false},
	"CKV_AWS_54": {"control": "MLS-BKT-001", "severity": "medium", "stride": ["information-disclosure"], "fallback": false},
	"CKV_AWS_55": {"control": "MLS-BKT-001", "severity": "medium", "stride": ["information-disclosure"], "fallback": false},
	"CKV_AWS_56": {"control": "MLS-BKT-001", "severity": "medium", "stride": ["information-disclosure"], "fallback": false},
	# --- S3: integrity, audit, encryption ------------------------------------------
	"CKV_AWS_21": {"control": "MLS-BKT-004", "severity": "high", "stride": ["tampering", "repudiation"], "fallback": true},
	"CKV_AWS_143": {"control": "MLS-BKT-005", "severity": "medium", "stride": ["tampering", "repudiation"], "fallback": false},
	"CKV_AWS_18": {"control": "MLS-BKT-006", "severity": "medium", "stride": ["repudiation"], "fallback": true},
	"CKV_AWS_19": {"control": "MLS-BKT-007", "severity": "medium", "stride": ["information-disclosure"], "fallback": false},
	"CKV_AWS_145": {"control": "MLS-BKT-007", "severity": "medium", "stride": ["information-disclosure"], "fallback": true},
	# --- GCS / Azure storage --------------------------------------------------------
	"CKV_GCP_28": {"control": "MLS-BKT-001", "severity": "critical", "stride": ["information-disclosure"], "fallback": true},
	# CKV_GCP_62 (bucket usage logging) is not mapped: data access on GCS is logged by Cloud
	# Audit Logs, a project setting, so the bucket's `logging {}` block protects no model.
	"CKV_GCP_78": {"control": "MLS-BKT-004", "severity": "high", "stride": ["tampering", "repudiation"], "fallback": true},
	"CKV_AZURE_34": {"control": "MLS-BKT-001", "severity": "critical", "stride": ["information-disclosure"], "fallback": true},
	# --- KMS keys protecting model and data stores ---------------------------------
	"CKV_AWS_7": {"control": "MLS-IAC-004", "severity": "low", "stride": ["information-disclosure"], "fallback": true},
	"CKV_AWS_33": {"control": "MLS-IAC-004", "severity": "high", "stride": ["information-disclosure", "elevation-of-privilege"], "fallback": true},
	# --- ECR: serving images --------------------------------------------------------
	"CKV_AWS_51": {"control": "MLS-SRV-003", "severity": "medium", "stride": ["tampering"], "fallback": true},
	# Scan on push (CKV_AWS_163) and KMS encryption (CKV_AWS_136) of a registry are generic
	# image hygiene: they find known CVEs in OS packages and change the key that encrypts
	# layers, not who can replace the image a model server pulls (that is tag immutability,
	# CKV_AWS_51, and the registry policy, CKV_AWS_32): low.
	"CKV_AWS_163": {"control": "MLS-IAC-004", "severity": "low", "stride": ["tampering"], "fallback": true},
	"CKV_AWS_136": {"control": "MLS-IAC-004", "severity": "low", "stride": ["information-disclosure"], "fallback": true},
	"CKV_AWS_32": {"control": "MLS-IAC-004", "severity": "high", "stride": ["information-disclosure", "tampering"], "fallback": true},
	# --- SageMaker -----------------------------------------------------------------
	"CKV_AWS_307": {"control": "MLS-IAC-001", "severity": "high", "stride": ["elevation-of-privilege"], "fallback": true},
	"CKV_AWS_122": {"control": "MLS-IAC-001", "severity": "high", "stride": ["information-disclosure"], "fallback": true},
	"CKV_AWS_98": {"control": "MLS-IAC-002", "severity": "medium", "stride": ["information-disclosure"], "fallback": true},
	"CKV_AWS_22": {"control": "MLS-IAC-002", "severity": "medium", "stride": ["information-disclosure"], "fallback": true},
	"CKV_AWS_187": {"control": "MLS-IAC-002", "severity": "medium", "stride": ["information-disclosure"], "fallback": true},
	# Network hardening of notebooks and model containers: evidence beside MLS-IAC-001.
	"CKV_AWS_370": {"control": "MLS-IAC-001", "severity": "medium", "stride": ["information-disclosure"], "fallback": false},
	"CKV_AWS_371": {"control": "MLS-IAC-001", "severity": "medium", "stride": ["information-disclosure", "elevation-of-privilege"], "fallback": false},
	"CKV_AWS_306": {"control": "MLS-IAC-001", "severity": "low", "stride": ["information-disclosure"], "fallback": false},
	"CKV2_AWS_68": {"control": "MLS-IAC-003", "severity": "high", "stride": ["elevation-of-privilege"], "fallback": true},
	# --- Kubernetes serving -------------------------------------------------------
	"CKV_K8S_14": {"control": "MLS-SRV-003", "severity": "medium", "stride": ["tampering"], "fallback": true},
	"CKV_K8S_43": {"control": "MLS-SRV-003", "severity": "medium", "stride": ["tampering"], "fallback": false},
	"CKV_K8S_153": {"control": "MLS-IAC-004", "severity": "high", "stride": ["elevation-of-privilege", "information-disclosure"], "fallback": true},
	"CKV_K8S_16": {"control": "MLS-IAC-004", "severity": "medium", "stride": ["elevation-of-privilege"], "fallback": true},
	# --- Container images ----------------------------------------------------------
	"CKV_DOCKER_7": {"control": "MLS-SRV-003", "severity": "medium", "stride": ["tampering"], "fallback": true},
}

_custom := data.mlscan.user.checkov.checks if {
	is_object(data.mlscan.user.checkov.checks)
} else := {}

# The effective map: the built-in entries, then the user's (a user entry wins).
checks := {id: entry |
	some id, entry in object.union(builtin_checks, _custom)
	entry.control != null
}

# The check ids checkov is asked to run (all of the map).
run_checks := sort([id | some id, _ in checks])
