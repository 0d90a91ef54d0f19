# METADATA
# title: Dataset card without source, licence, consent or purpose
# description: >-
#   A dataset card (a README.md in a data folder, datacard.md, DATASHEET.md) does not
#   state where the data comes from, under which licence or agreement it is used, on
#   which consent or legal basis personal data was collected, or for which purpose it may
#   be used. Without these, data subjects' expectations and purpose limitation cannot be
#   checked, and data is reused for purposes nobody agreed to. Reported at medium when the
#   card's data is personal (its datasets hold personal data, its prose says the data shows
#   people, or it names a person-level domain), at low otherwise.
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

import data.mlscan.lib.privacy
import rego.v1

labels := {"source": "source", "licence": "licence", "consent": "consent or legal basis", "purpose": "purpose"}

# The card is about personal data when the datasets it describes hold personal data, its
# prose says the data shows or names people, or its path, title or datasets name a
# person-level domain (data.mlscan.lib.privacy.person_words / decision_words). Otherwise
# the missing statements are documentation hygiene: reported at low.
personal(card) := reasons if {
	files := {f.path | some f in object.get(input, ["datasets", "files"], []); count(f.personal_data) > 0}
	held := sort({d | some d in card.describes; d in files})
	said := sort({m.term | some m in object.get(card, "personal_mentions", [])})
	names := array.concat([card.path, object.get(card, "title", "") ], card.describes)
	domain := sort({n | some n in names; is_string(n); regex.match(privacy.person_words, n)} | {n | some n in names; is_string(n); regex.match(privacy.decision_words, n)})
	reasons := array.concat(
		array.concat(
			[sprintf("its datasets hold personal data (%s)", [concat(", ", held)]) | count(held) > 0],
			[sprintf("it says the data shows people (%s)", [concat(", ", said)]) | count(said) > 0],
		),
		[sprintf("it names a person-level domain (%s)", [concat(", ", domain)]) | count(domain) > 0],
	)
}

_severity(reasons) := {} if count(reasons) > 0

_severity(reasons) := {"severity": "low"} if count(reasons) == 0

deny contains v if {
	some card in object.get(input, ["datasets", "cards"], [])
	missing := sort([labels[k] | some k, s in card.statements; not s.present])
	count(missing) > 0
	reasons := personal(card)
	v := object.union({
		"msg": sprintf("Dataset card %s does not state: %s%s", [card.path, concat(", ", missing), _why(reasons)]),
		"loc": card.loc,
		"asset": card.path,
		"evidence": {"missing": missing, "describes": card.describes, "personal": reasons},
	}, _severity(reasons))
}

_why(reasons) := sprintf(" (personal data: %s)", [concat("; ", reasons)]) if count(reasons) > 0

_why(reasons) := " (nothing shows the data is personal)" if count(reasons) == 0
