package mlscan.lib.bucket_policy

# Shared decisions on normalised policy statements (input.bucket_policies.statements,
# input.iac.iam_statements).

import rego.v1

# An Allow statement open to any principal, with no condition that restricts who or
# where the request comes from.
public(s) if {
	s.effect == "Allow"
	s.principal_is_wildcard
	count(s.restricting_condition_keys) == 0
}

# Access categories that change or remove objects or permissions.
write_categories := {"write", "delete", "permissions"}

grants_write(s) if {
	some c in s.access
	c in write_categories
}

# The statement's action list for messages.
actions_text(s) := concat(", ", s.actions) if count(s.actions) > 0

actions_text(s) := sprintf("everything except %s", [concat(", ", s.not_actions)]) if count(s.actions) == 0

statement_label(s) := sprintf("statement '%s'", [s.sid]) if s.sid != null

statement_label(s) := sprintf("statement #%d", [s.index + 1]) if s.sid == null

# Public canned ACLs.
public_acls := {"public-read", "public-read-write", "authenticated-read", "website"}
