# METADATA
# title: Personal data in training data
# description: >-
#   A dataset (CSV, TSV, JSON Lines, Parquet header, or a column schema) has columns that
#   hold personal data: names, e-mail addresses, phone numbers, dates of birth, national
#   ids, IBANs or card numbers, found by column name or by sampled values (checksummed
#   where the format has one). Personal data in training data can be memorised and leaked
#   by the model (membership inference, model inversion) and widens the breach surface of
#   every copy of the data set.
# custom:
#   id: MLS-PRV-001
#   severity: high
#   stride: [information-disclosure]
#   linddun: [linking, identifying, data-disclosure]
#   atlas: [AML.T0024.000, AML.T0024.001]
#   owasp_ml: [ML03, ML04]
#   cwe: [359]
#   references: ["https://linddun.org/threat-trees/", "https://gdpr-info.eu/art-5-gdpr/"]
#   remediation: >-
#     Drop direct identifiers before training, or replace them with keyed pseudonyms
#     (HMAC with a key outside the data store); coarsen quasi-identifiers (age bands,
#     truncated dates); document what remains in a dataset card.
package mlscan.controls.privacy.personal_data

import rego.v1

sources := array.concat(
	object.get(input, ["datasets", "files"], []),
	object.get(input, ["datasets", "schemas"], []),
)

deny contains v if {
	some f in sources
	count(f.personal_data) > 0
	columns := sort({p.column | some p in f.personal_data})
	detectors := sort({sprintf("%s:%s", [p.column, p.detector]) | some p in f.personal_data})
	v := {
		"msg": sprintf(
			"%s holds personal data in %d column(s): %s",
			[f.path, count(columns), concat(", ", columns)],
		),
		"loc": f.loc,
		"asset": f.path,
		"evidence": {"columns": columns, "detectors": detectors},
	}
}
