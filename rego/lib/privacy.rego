package mlscan.lib.privacy

# Which models make decisions about people (input.privacy.models).

import rego.v1

# Words in a model's folder or asset name that name a decision domain.
decision_words := `(?i)credit|fraud|loan|lend|mortgage|underwrit|scor(e|ing)|insur|claim|hiring|recruit|tenant|admission|benefit|aml|kyc`

_high_impact := {"critical", "high"}

# A decision model: its folder or asset names a decision domain, or the configuration
# rates its asset critical or high.
decision_model(m) if regex.match(decision_words, m.path)

decision_model(m) if {
	is_string(m.asset)
	regex.match(decision_words, m.asset)
}

decision_model(m) if m.impact in _high_impact
