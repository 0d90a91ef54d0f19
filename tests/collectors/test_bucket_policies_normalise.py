"""Policy statement normalisation: every principal and action form, restricting conditions."""

from __future__ import annotations

from typing import Any

import pytest

from mlscan.collectors.iac.bucket_policies import (
    access_categories,
    looks_like_policy,
    normalise_principal,
    normalise_statement,
    normalise_tf_document_statement,
)


def _allow(**extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", **extra}


@pytest.mark.parametrize(
    ("principal", "wildcard", "aws"),
    [
        ("*", True, []),
        ({"AWS": "*"}, True, ["*"]),
        ({"AWS": ["*"]}, True, ["*"]),
        ({"AWS": "arn:aws:iam::111122223333:role/train"}, False,
         ["arn:aws:iam::111122223333:role/train"]),
        ({"AWS": ["arn:aws:iam::111122223333:root", "444455556666"]}, False,
         ["444455556666", "arn:aws:iam::111122223333:root"]),
        ({"Service": "sagemaker.amazonaws.com"}, False, []),
        (None, False, []),
    ],
)
def test_principal_forms(principal: Any, wildcard: bool, aws: list[str]) -> None:
    p = normalise_principal(principal)
    assert p["wildcard"] is wildcard
    assert p["aws"] == aws


def test_account_roots_and_ids() -> None:
    p = normalise_principal(
        {"AWS": ["arn:aws:iam::111122223333:root", "444455556666",
                 "arn:aws:iam::777788889999:role/serve"]}
    )
    assert p["account_roots"] == ["111122223333", "444455556666"]
    assert p["accounts"] == ["111122223333", "444455556666", "777788889999"]


def test_service_and_federated_principals() -> None:
    p = normalise_principal({"Service": ["sagemaker.amazonaws.com"],
                             "Federated": "cognito-identity.amazonaws.com"})
    assert p["service"] == ["sagemaker.amazonaws.com"]
    assert p["federated"] == ["cognito-identity.amazonaws.com"]
    assert p["wildcard"] is False


def test_intrinsic_principal_is_opaque() -> None:
    p = normalise_principal({"AWS": {"Fn::GetAtt": ["Role", "Arn"]}})
    assert p["aws"] == ['{"Fn::GetAtt":["Role","Arn"]}']
    assert p["wildcard"] is False


@pytest.mark.parametrize(
    ("actions", "not_actions", "expected"),
    [
        (["s3:getobject"], [], ["read"]),
        (["s3:get*"], [], ["read"]),
        (["s3:*"], [], ["delete", "list", "permissions", "read", "write"]),
        (["*"], [], ["delete", "iam_write", "list", "permissions", "read", "registry_write",
                     "write"]),
        (["s3:putobject", "s3:deleteobject"], [], ["delete", "write"]),
        (["iam:passrole"], [], ["iam_write"]),
        (["sagemaker:createmodelpackage"], [], ["registry_write"]),
        # NotAction leaves everything else open (s3:RestoreObject still writes)
        ([], ["s3:delete*", "iam:*", "sagemaker:*", "ecr:*", "s3:put*"],
         ["list", "read", "write"]),
        ([], ["s3:delete*", "iam:*", "sagemaker:*", "ecr:*", "s3:put*", "s3:re*"],
         ["list", "read"]),
    ],
)
def test_access_categories(actions: list[str], not_actions: list[str],
                           expected: list[str]) -> None:
    assert access_categories(actions, not_actions) == expected


def test_action_case_and_wildcards() -> None:
    s = normalise_statement(_allow(Action=["S3:GetObject", "s3:*"], Principal="*"))
    assert s["actions"] == ["s3:*", "s3:getobject"]
    assert s["action_is_wildcard"] is True
    assert s["principal_is_wildcard"] is True


def test_not_action_on_allow_is_wildcard() -> None:
    raw = {"Effect": "Allow", "Principal": "*", "NotAction": "s3:DeleteObject", "Resource": "*"}
    s = normalise_statement(raw)
    assert s["actions"] == []
    assert s["not_actions"] == ["s3:deleteobject"]
    assert s["action_is_wildcard"] is True
    assert "write" in s["access"]
    assert "delete" in s["access"]


def test_not_principal_allow_counts_as_wildcard() -> None:
    s = normalise_statement(_allow(NotPrincipal={"AWS": "arn:aws:iam::1:role/x"}))
    assert s["not_principal"] is True
    assert s["principal_is_wildcard"] is True


@pytest.mark.parametrize(
    ("condition", "restricting"),
    [
        ({"StringEquals": {"aws:SourceVpc": "vpc-1"}}, ["aws:sourcevpc"]),
        ({"StringEquals": {"aws:SourceVpce": ["vpce-1"]}}, ["aws:sourcevpce"]),
        ({"StringEquals": {"aws:PrincipalOrgID": "o-1"}}, ["aws:principalorgid"]),
        ({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, ["aws:sourceip"]),
        ({"Bool": {"aws:SecureTransport": "true"}}, ["aws:securetransport"]),
        # not restricting:
        ({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}, []),
        ({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, []),
        ({"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}, []),
        ({"StringLike": {"aws:PrincipalOrgID": "*"}}, []),
        ({"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}, []),
        ({"Null": {"aws:SourceVpc": "false"}}, []),
        ({"StringEquals": {"s3:prefix": "public/"}}, []),
        ({"Bool": {"aws:SecureTransport": "false"}}, []),
    ],
)
def test_restricting_conditions(condition: dict[str, Any], restricting: list[str]) -> None:
    s = normalise_statement(_allow(Principal="*", Condition=condition))
    assert s["restricting_condition_keys"] == restricting


def test_secure_transport_on_deny_is_recorded_not_restricting() -> None:
    raw = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
           "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    s = normalise_statement(raw)
    assert s["effect"] == "Deny"
    assert s["secure_transport"] == "false"
    assert s["restricting_condition_keys"] == []
    assert s["conditions"] == [
        {"operator": "Bool", "key": "aws:securetransport", "values": ["false"]}
    ]


def test_intrinsic_resources_are_opaque_strings() -> None:
    s = normalise_statement(_allow(Resource={"Fn::Sub": "arn:aws:s3:::${Bucket}/*"}))
    assert s["resources"] == ['{"Fn::Sub":"arn:aws:s3:::${Bucket}/*"}']


def test_terraform_policy_document_statement() -> None:
    raw = {
        "sid": ["Upload"],
        "effect": ["Allow"],
        "actions": [["s3:PutObject"]],
        "resources": [["arn:aws:s3:::acme-data/*"]],
        "principals": [{"type": ["AWS"], "identifiers": [["arn:aws:iam::111122223333:root"]]}],
        "condition": [{"test": ["StringEquals"], "variable": ["aws:PrincipalOrgID"],
                       "values": [["o-1"]]}],
    }
    s = normalise_tf_document_statement(raw)
    assert s["sid"] == "Upload"
    assert s["principal_is_account_root"] is True
    assert s["principal_is_wildcard"] is False
    assert s["restricting_condition_keys"] == ["aws:principalorgid"]
    assert s["access"] == ["write"]


def test_terraform_policy_document_wildcard_principal() -> None:
    raw = {"effect": ["Allow"], "actions": [["s3:GetObject"]], "resources": [["*"]],
           "principals": [{"type": ["*"], "identifiers": [["*"]]}]}
    assert normalise_tf_document_statement(raw)["principal_is_wildcard"] is True


def test_policy_shape_detection() -> None:
    assert looks_like_policy({"Version": "2012-10-17", "Statement": []}) is False
    assert looks_like_policy({"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]})
    assert looks_like_policy({"Statement": {"Effect": "Deny"}})
    assert not looks_like_policy({"Statement": [{"Action": "x"}]})
    assert not looks_like_policy({"name": "package.json"})
    assert not looks_like_policy(["Statement"])


@pytest.mark.parametrize(
    "principal",
    [
        "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root",
        '{"Fn::Sub":"arn:aws:iam::${AWS::AccountId}:root"}',
    ],
)
def test_root_principal_with_an_account_expression_beside_a_service(principal: str) -> None:
    st = normalise_statement({
        "Effect": "Allow",
        "Principal": {"AWS": principal, "Service": "sagemaker.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": "arn:aws:s3:::acme-models/*",
    })
    assert st["principal_is_account_root"] is True
    assert st["principals"]["accounts"] == []  # the account itself stays unknown
