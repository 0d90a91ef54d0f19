package mlscan.lib.privacy

# Which models make decisions about people (input.privacy.models), which model inputs are
# protected attributes, and when an inference payload carries personal data
# (input.privacy.payload_logging / request_persistence). Each table can be replaced from a
# --policy folder with a package `mlscan.user.privacy` defining the same name.

import rego.v1

# Words in a model's folder, asset, experiment, service, schema or dataset name that name
# a decision domain (a regular expression): `decision_words := "..."`.
builtin_decision_words := `(?i)credit|fraud|loan|lend|mortgage|underwrit|scorecard|insur|claim|hiring|recruit|tenant|admission|benefit|(^|[^a-z])aml([^a-z]|$)|kyc`

decision_words := data.mlscan.user.privacy.decision_words if {
	is_string(data.mlscan.user.privacy.decision_words)
} else := builtin_decision_words

# Words in a serving module's path, handler or schema name that say its requests are about
# one person (health, customers, employees, ...): `person_words := "..."`.
builtin_person_words := `(?i)patient|health|medical|clinic|diagnos|disease|applicant|customer|employee|borrower|payroll|salary|resume|candidate|churn|student`

person_words := data.mlscan.user.privacy.person_words if {
	is_string(data.mlscan.user.privacy.person_words)
} else := builtin_person_words

# Name tokens (lower case, split at `_`, `-`, `.`, case changes) that name a protected
# attribute, and which: `protected_words := {"token": "attribute", ...}`.
builtin_protected_words := {
	"age": "age", "dob": "age", "birth": "age", "birthdate": "age", "born": "age",
	"sex": "sex", "gender": "sex", "race": "race", "racial": "race", "ethnicity": "race",
	"ethnic": "race", "marital": "marital-status", "married": "marital-status",
	"marriage": "marital-status", "nationality": "nationality", "citizenship": "nationality",
	"religion": "religion", "religious": "religion", "disability": "disability",
	"disabled": "disability", "handicap": "disability", "pregnant": "pregnancy",
	"pregnancy": "pregnancy", "orientation": "sexual-orientation",
}

protected_words := data.mlscan.user.privacy.protected_words if {
	is_object(data.mlscan.user.privacy.protected_words)
} else := builtin_protected_words

_high_impact := {"critical", "high"}

# A decision model: its folder, asset or one of the names that describe it (experiment,
# registered model, service, request schema, training data) names a decision domain, or
# the configuration rates its asset critical or high.
decision_model(m) if regex.match(decision_words, m.path)

decision_model(m) if {
	is_string(m.asset)
	regex.match(decision_words, m.asset)
}

decision_model(m) if m.impact in _high_impact

decision_model(m) if {
	some n in object.get(m, "names", [])
	regex.match(decision_words, n)
}

# The protected attribute a feature ({name, tokens}) names, if any.
protected_attribute(f) := sort({protected_words[t] | some t in f.tokens; protected_words[t]})[0]

# "name (attribute)" for every protected feature.
protected_inputs(features) := sort([sprintf("%s (%s)", [f.name, a]) |
	some f in features
	a := protected_attribute(f)
])

# Why an inference payload (a payload_logging / request_persistence fact) carries personal
# data; empty when nothing says so.
payload_personal(p) := reasons if {
	fields := object.get(p, "fields", [])
	names := object.get(p, "names", [])
	personal := sort({sprintf("%s (%s)", [f.name, f.personal]) | some f in fields; is_string(f.personal)})
	protected := protected_inputs(fields)
	domain := sort({n | some n in names; regex.match(decision_words, n)} | {n | some n in names; regex.match(person_words, n)})
	datasets := sort({d.path | some d in object.get(input, ["datasets", "files"], []); count(d.personal_data) > 0})
	reasons := array.concat(
		array.concat(
			[sprintf("it has personal fields: %s", [concat(", ", personal)]) | count(personal) > 0],
			[sprintf("it has protected attributes: %s", [concat(", ", protected)]) | count(protected) > 0],
		),
		array.concat(
			[sprintf("the service decides about people (%s)", [concat(", ", domain)]) | count(domain) > 0],
			[sprintf("the project's data holds personal data (%s)", [concat(", ", datasets)]) | count(datasets) > 0],
		),
	)
}
