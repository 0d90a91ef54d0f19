"""Normalise IAM / bucket policy statements into plain facts.

Every principal form (``"*"``, ``{"AWS": "*"}``, ``{"AWS": [arn, ...]}``, account ids and
root arns, service and federated principals), ``Action``/``NotAction`` with wildcards,
``Resource``/``NotResource`` and ``Condition`` become one flat shape. Values that are
not strings (CloudFormation intrinsic functions such as ``Fn::Sub``, ``Fn::GetAtt``,
``Fn::Join``, ``Ref``) are kept as opaque strings.

The output holds computed facts (``principal_is_wildcard``,
``restricting_condition_keys``, ``access`` categories the actions cover); whether a
statement is "public" or "too broad" is decided by the Rego controls.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

# Representative actions for each access category (lower case).
ACCESS_CATEGORIES: Mapping[str, tuple[str, ...]] = {
    "read": ("s3:getobject", "s3:getobjectversion"),
    "list": ("s3:listbucket", "s3:listbucketversions"),
    "write": ("s3:putobject", "s3:replicateobject", "s3:restoreobject"),
    "delete": ("s3:deleteobject", "s3:deleteobjectversion", "s3:deletebucket"),
    "permissions": (
        "s3:putbucketpolicy",
        "s3:deletebucketpolicy",
        "s3:putbucketacl",
        "s3:putobjectacl",
        "s3:putbucketpublicaccessblock",
    ),
    "iam_write": (
        "iam:putrolepolicy",
        "iam:attachrolepolicy",
        "iam:createpolicyversion",
        "iam:passrole",
        "iam:createaccesskey",
    ),
    "registry_write": (
        "sagemaker:createmodelpackage",
        "sagemaker:updatemodelpackage",
        "sagemaker:deletemodelpackage",
        "sagemaker:createmodel",
        "ecr:putimage",
    ),
}

# Condition keys that limit who or where a request can come from.
RESTRICTING_KEYS = frozenset(
    {
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:sourceip",
        "aws:principalaccount",
        "aws:sourceaccount",
        "aws:sourcearn",
        "aws:sourceorgid",
        "aws:principalarn",
        "aws:userid",
        "aws:username",
    }
)
_OPEN_CIDRS = frozenset({"0.0.0.0/0", "::/0"})
_ACCOUNT_ID = re.compile(r"^\d{12}$")
_ACCOUNT_ARN = re.compile(r"^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):(.*)$")
# A root ARN whose account is an expression (Terraform ``${data.aws_caller_identity...}``,
# CloudFormation ``Fn::Sub`` ``${AWS::AccountId}``), kept as an opaque string.
_ROOT_EXPRESSION = re.compile(r"arn:aws[a-z-]*:iam::([^\s\"']+?):root\b")


def opaque(value: Any) -> str:
    """A string for any value: strings stay, intrinsic functions become compact JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _strings(value: Any) -> list[str]:
    return sorted({opaque(v) for v in as_list(value)})


def normalise_principal(principal: Any) -> dict[str, Any]:
    """``Principal`` in any form -> {wildcard, aws, service, federated, canonical_user,
    accounts, account_roots}."""
    kinds: dict[str, set[str]] = {
        "aws": set(),
        "service": set(),
        "federated": set(),
        "canonical_user": set(),
    }
    wildcard = False
    if principal is None:
        pass
    elif isinstance(principal, str | int):
        text = opaque(principal)
        if text == "*":
            wildcard = True
        else:
            kinds["aws"].add(text)
    elif isinstance(principal, Mapping) and not _is_intrinsic(principal):
        for key, value in principal.items():
            kind = {
                "aws": "aws",
                "service": "service",
                "federated": "federated",
                "canonicaluser": "canonical_user",
            }.get(str(key).lower())
            if kind is None:
                continue
            for item in as_list(value):
                text = opaque(item)
                if text == "*":
                    wildcard = True
                kinds[kind].add(text)
    else:
        kinds["aws"].add(opaque(principal))
    accounts: set[str] = set()
    roots: set[str] = set()
    for text in kinds["aws"]:
        if _ACCOUNT_ID.match(text):
            accounts.add(text)
            roots.add(text)
            continue
        m = _ACCOUNT_ARN.match(text)
        if m:
            accounts.add(m.group(1))
            if m.group(2) == "root":
                roots.add(m.group(1))
            continue
        expr = _ROOT_EXPRESSION.search(text)
        if expr:
            roots.add(expr.group(1))
    return {
        "wildcard": wildcard,
        "aws": sorted(kinds["aws"]),
        "service": sorted(kinds["service"]),
        "federated": sorted(kinds["federated"]),
        "canonical_user": sorted(kinds["canonical_user"]),
        "accounts": sorted(accounts),
        "account_roots": sorted(roots),
    }


def _is_intrinsic(value: Mapping[str, Any]) -> bool:
    keys = [k for k in value if not str(k).startswith("__")]
    return len(keys) == 1 and (str(keys[0]).startswith("Fn::") or keys[0] == "Ref")


def _matches(action: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(action, p) for p in patterns)


def access_categories(actions: list[str], not_actions: list[str]) -> list[str]:
    """Categories (read, write, delete, ...) covered by Action, or left open by NotAction."""
    covered: set[str] = set()
    for category, samples in ACCESS_CATEGORIES.items():
        for sample in samples:
            if actions and _matches(sample, actions):
                covered.add(category)
            if not_actions and not _matches(sample, not_actions):
                covered.add(category)
    return sorted(covered)


def normalise_conditions(condition: Any) -> list[dict[str, Any]]:
    """``Condition`` -> [{operator, key, values}] with lower-case keys, sorted."""
    out: list[dict[str, Any]] = []
    if not isinstance(condition, Mapping):
        return out
    for operator, body in condition.items():
        if str(operator).startswith("__"):
            continue
        if isinstance(body, Mapping):
            for key, values in body.items():
                if str(key).startswith("__"):
                    continue
                out.append(
                    {"operator": str(operator), "key": str(key).lower(), "values": _strings(values)}
                )
        else:  # Terraform data source: already {operator, key, values}
            continue
    out.sort(key=lambda c: (c["key"], c["operator"], c["values"]))
    return out


# Condition keys whose values are shared secrets in practice (a Referer header agreed with a
# CDN, a token); facts record that a value is present, never the value itself.
_SECRET_CONDITION_KEYS = ("aws:referer", "aws:useragent")
_SECRETISH = ("secret", "token", "password", "passwd", "apikey", "api_key")


def _redacted_condition(cond: Mapping[str, Any]) -> dict[str, Any]:
    key = str(cond["key"])
    if key in _SECRET_CONDITION_KEYS or any(w in key for w in _SECRETISH):
        return {**cond, "values": ["***" for _ in cond["values"]], "values_redacted": True}
    return dict(cond)


def _restricts(cond: Mapping[str, Any], effect: str) -> bool:
    op = str(cond["operator"]).lower()
    key = str(cond["key"])
    values = [str(v) for v in cond["values"]]
    if op.endswith("ifexists") or op == "null" or op.startswith("forallvalues"):
        return False  # satisfied when the key is absent
    if not values or any(v == "*" for v in values):
        return False
    if key == "aws:securetransport":
        return effect == "Allow" and op == "bool" and values == ["true"]
    if key in RESTRICTING_KEYS:
        if key == "aws:sourceip" and (op.startswith("notip") or set(values) & _OPEN_CIDRS):
            return False
        return not (op.startswith("stringnot") or op.startswith("arnnot"))
    return False


def normalise_statement(raw: Mapping[str, Any]) -> dict[str, Any]:
    """One policy statement (JSON/CloudFormation shape) -> normalised fact fields."""
    effect_raw = opaque(raw.get("Effect", "Allow"))
    effect = "Deny" if effect_raw.lower() == "deny" else "Allow"
    has_not_principal = "NotPrincipal" in raw
    principal = normalise_principal(raw.get("NotPrincipal" if has_not_principal else "Principal"))
    actions = sorted({a.lower() for a in _strings(raw.get("Action"))})
    not_actions = sorted({a.lower() for a in _strings(raw.get("NotAction"))})
    conditions = normalise_conditions(raw.get("Condition"))
    return _finish(
        sid=opaque(raw["Sid"]) if "Sid" in raw else None,
        effect=effect,
        principal=principal,
        not_principal=has_not_principal,
        actions=actions,
        not_actions=not_actions,
        resources=_strings(raw.get("Resource")),
        not_resources=_strings(raw.get("NotResource")),
        conditions=conditions,
    )


def normalise_tf_document_statement(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A ``statement`` block of ``data "aws_iam_policy_document"`` (checkov's lists)."""

    def one(value: Any) -> Any:
        while isinstance(value, list) and len(value) == 1:
            value = value[0]
        return value

    def flat(value: Any) -> list[str]:
        out: list[str] = []
        for item in as_list(value):
            out.extend(opaque(v) for v in as_list(item))
        return sorted(set(out))

    effect = "Deny" if str(one(raw.get("effect", "Allow"))).lower() == "deny" else "Allow"
    principal_map: dict[str, list[str]] = {}
    has_not_principal = "not_principals" in raw and "principals" not in raw
    for block in as_list(raw.get("not_principals" if has_not_principal else "principals")):
        if not isinstance(block, Mapping):
            continue
        kind = str(one(block.get("type", "AWS")))
        ident = flat(block.get("identifiers"))
        principal_map.setdefault(kind, []).extend(ident)
    principal: Any = principal_map
    if principal_map.get("*") == ["*"] and len(principal_map) == 1:
        principal = "*"
    conditions: list[dict[str, Any]] = []
    for block in as_list(raw.get("condition")):
        if isinstance(block, Mapping):
            conditions.append(
                {
                    "operator": str(one(block.get("test", ""))),
                    "key": str(one(block.get("variable", ""))).lower(),
                    "values": flat(block.get("values")),
                }
            )
    conditions.sort(key=lambda c: (c["key"], c["operator"], c["values"]))
    sid = one(raw.get("sid"))
    return _finish(
        sid=opaque(sid) if sid is not None else None,
        effect=effect,
        principal=normalise_principal(principal) if principal_map else normalise_principal(None),
        not_principal=has_not_principal,
        actions=sorted({a.lower() for a in flat(raw.get("actions"))}),
        not_actions=sorted({a.lower() for a in flat(raw.get("not_actions"))}),
        resources=flat(raw.get("resources")),
        not_resources=flat(raw.get("not_resources")),
        conditions=conditions,
    )


def _finish(
    *,
    sid: str | None,
    effect: str,
    principal: dict[str, Any],
    not_principal: bool,
    actions: list[str],
    not_actions: list[str],
    resources: list[str],
    not_resources: list[str],
    conditions: list[dict[str, Any]],
) -> dict[str, Any]:
    restricting = sorted({c["key"] for c in conditions if _restricts(c, effect)})
    secure_transport = [
        v.lower() for c in conditions if c["key"] == "aws:securetransport" for v in c["values"]
    ]
    return {
        "sid": sid,
        "effect": effect,
        "principals": principal,
        "not_principal": not_principal,
        "principal_is_wildcard": principal["wildcard"] or (not_principal and effect == "Allow"),
        "principal_is_account_root": bool(principal["account_roots"]),
        "actions": actions,
        "not_actions": not_actions,
        "action_is_wildcard": any(a in ("*", "s3:*") for a in actions)
        or (bool(not_actions) and effect == "Allow"),
        "access": access_categories(actions, not_actions),
        "resources": resources,
        "not_resources": not_resources,
        "conditions": [_redacted_condition(c) for c in conditions],
        "condition_keys": sorted({c["key"] for c in conditions}),
        "restricting_condition_keys": restricting,
        "secure_transport": secure_transport[0] if secure_transport else None,
    }


def looks_like_policy(value: Any) -> bool:
    """A JSON object shaped like an IAM policy document."""
    if not isinstance(value, Mapping) or "Statement" not in value:
        return False
    statements = value["Statement"]
    items = statements if isinstance(statements, list) else [statements]
    if not items or not all(isinstance(s, Mapping) for s in items):
        return False
    return "Version" in value or all("Effect" in s for s in items)
