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

# Where a finding about a statement points. In a standalone JSON document: the key that
# makes the statement a problem (Principal / Action) when its position is known, else the
# statement. In IaC: the block that holds the statement (the policy resource or the
# `data "aws_iam_policy_document"`); the statement line goes into `related`.
principal_anchor(s) := s.principal_loc if object.get(s, "principal_loc", null) != null

principal_anchor(s) := block_anchor(s) if object.get(s, "principal_loc", null) == null

action_anchor(s) := s.action_loc if object.get(s, "action_loc", null) != null

action_anchor(s) := block_anchor(s) if object.get(s, "action_loc", null) == null

block_anchor(s) := object.get(s, "block_loc", s.loc)

# Public canned ACLs.
public_acls := {"public-read", "public-read-write", "authenticated-read", "website"}

# A grant (input.bucket_policies.public_grants) to everyone: a GCS IAM member or ACL entity
# allUsers / allAuthenticatedUsers, or an Azure container with anonymous read access.
_gcs_public_members := {"allusers", "allauthenticatedusers"}

public_member(g) if {
	g.kind == "iam-member"
	lower(g.member) in _gcs_public_members
}

public_member(g) if {
	g.kind == "acl"
	parts := split(g.member, ":")
	lower(parts[count(parts) - 1]) in _gcs_public_members
}

public_member(g) if {
	g.kind == "container-access"
	g.member in {"blob", "container"}
}
