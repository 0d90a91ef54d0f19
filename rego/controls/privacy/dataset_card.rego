# METADATA
# title: Dataset card without source, licence, consent or purpose
# description: >-
#   A dataset card (a README.md in a data folder, datacard.md, DATASHEET.md) does not
#   state where the data comes from, under which licence or agreement it is used, on
#   which consent or legal basis personal data was collected, or for which purpose it may
#   be used. Without these, data subjects' expectations and purpose limitation cannot be
#   checked, and data is reused for purposes nobody agreed to.
# custom:
#   id: MLS-PRV-004
#   severity: medium
#   stride: []
#   linddun: [unawareness, non-compliance]
#   atlas: []
#   owasp_ml: []
#   cwe: [1059]
#   references: ["https://arxiv.org/abs/1803.09010", "https://gdpr-info.eu/art-5-gdpr/"]
#   remediation: >-
#     Add Source, Licence, Consent / legal basis and Purpose entries to the dataset card
#     (a "| Field | Value |" table, "Field: value" lines, headings or front matter).
package mlscan.controls.privacy.dataset_card

import rego.v1

labels := {"source": "source", "licence": "licence", "consent": "consent or legal basis", "purpose": "purpose"}

deny contains v if {
	some card in object.get(input, ["datasets", "cards"], [])
	missing := sort([labels[k] | some k, s in card.statements; not s.present])
	count(missing) > 0
	v := {
		"msg": sprintf("Dataset card %s does not state: %s", [card.path, concat(", ", missing)]),
		"loc": card.loc,
		"asset": card.path,
		"evidence": {"missing": missing, "describes": card.describes},
	}
}
