package mlscan.lib.privacy

# Which models make decisions about people (input.privacy.models).

import rego.v1

# Words in a model's folder or asset name that name a decision domain (a regular
# expression). A --policy folder replaces it with a package `mlscan.user.privacy` that
# defines `decision_words := "..."`.
builtin_decision_words := `(?i)credit|fraud|loan|lend|mortgage|underwrit|scor(e|ing)|insur|claim|hiring|recruit|tenant|admission|benefit|aml|kyc`

decision_words := data.mlscan.user.privacy.decision_words if {
	is_string(data.mlscan.user.privacy.decision_words)
} else := builtin_decision_words

_high_impact := {"critical", "high"}

# A decision model: its folder or asset names a decision domain, or the configuration
# rates its asset critical or high.
decision_model(m) if regex.match(decision_words, m.path)

decision_model(m) if {
	is_string(m.asset)
	regex.match(decision_words, m.asset)
}

decision_model(m) if m.impact in _high_impact
