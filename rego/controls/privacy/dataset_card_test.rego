package mlscan.controls.privacy.dataset_card

import rego.v1

st(p) := {"present": p, "via": null, "loc": null}

card_input(src, lic, con, pur) := {"datasets": {"cards": [{
	"path": "data/README.md", "describes": ["data/r.csv"],
	"loc": {"path": "data/README.md", "line": 1, "col": 1, "end_line": 1, "end_col": 10},
	"statements": {"source": st(src), "licence": st(lic), "consent": st(con), "purpose": st(pur)},
}]}}

test_fires_on_bare_card if {
	vs := deny with input as card_input(false, false, false, false)
	count(vs) == 1
	some v in vs
	v.loc.line == 1
	v.evidence.missing == ["consent or legal basis", "licence", "purpose", "source"]
}

test_fires_on_missing_consent if {
	some v in deny with input as card_input(true, true, false, true)
	v.evidence.missing == ["consent or legal basis"]
}

test_silent_on_complete_card if {
	count(deny) == 0 with input as card_input(true, true, true, true)
}

test_personal_card_is_medium if {
	base := card_input(false, false, false, false).datasets.cards[0]
	pii := {"path": "data/r.csv", "personal_data": [{"column": "email"}]}
	vs := deny with input as {"datasets": {"cards": [base], "files": [pii]}}
	some v in vs
	not v.severity
	v.evidence.personal == ["its datasets hold personal data (data/r.csv)"]
}

weather := object.union(card_input(false, false, false, false).datasets.cards[0], {"path": "data/README.md", "title": "Irradiance", "describes": ["data/ghi.csv"]})

test_non_personal_card_is_low if {
	vs := deny with input as {"datasets": {"cards": [weather]}}
	some v in vs
	v.severity == "low"
}

test_card_prose_about_faces_is_personal if {
	faces := object.union(weather, {"personal_mentions": [{"term": "facial", "line": 40}]})
	vs := deny with input as {"datasets": {"cards": [faces]}}
	some v in vs
	not v.severity
}
