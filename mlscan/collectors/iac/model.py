"""The IaC fact model, and facts from Terraform definitions parsed by checkov.

``IacModel`` collects buckets, bucket policies (statement by statement), public grants,
IAM roles, policies and managed-policy attachments, SageMaker resources and ECR
repositories; the helpers here are shared with ``iac_cloudformation`` and the standalone
JSON policies. checkov's Terraform definitions carry resource line ranges
(``__start_line__``); statement lines inside a block come from ``iac_hcl``.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mlscan.collectors.iac.bucket_policies import (
    as_list,
    looks_like_policy,
    normalise_statement,
    normalise_tf_document_statement,
    opaque,
)
from mlscan.collectors.iac.hcl import policy_statement_lines
from mlscan.collectors.iac.tf_module import TfFile, TfModule, Value

_TF_BUCKET_REF = re.compile(r"\baws_s3_bucket\.([A-Za-z0-9_-]+)(?:\.(?:id|bucket|arn))?")
_TF_DOC_REF = re.compile(r"\bdata\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.json")
_TF_ROLE_REF = re.compile(r"\baws_iam_role\.([A-Za-z0-9_-]+)")
_TF_POLICY_REF = re.compile(r"\baws_iam_policy\.([A-Za-z0-9_-]+)")
_S3_ARN = re.compile(r"^arn:aws[a-z-]*:s3:::([^/*${}\"]+)")
_ANY_BUCKET_REF = re.compile(
    r"\b(aws_s3_bucket|google_storage_bucket|azurerm_storage_account)\.([A-Za-z0-9_-]+)"
)


def loc(path: str, line: int | None, end_line: int | None = None) -> dict[str, Any]:
    return {"path": path, "line": line, "col": None, "end_line": end_line, "end_col": None}


def one(value: Any) -> Any:
    """checkov wraps Terraform attribute values in one-element lists."""
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value


def block(value: Any) -> Mapping[str, Any] | None:
    value = one(value)
    return value if isinstance(value, Mapping) else None


def text_or_none(value: Any) -> str | None:
    value = one(value)
    if value is None or value == []:
        return None
    return opaque(value)


def truthy(value: Any) -> bool | None:
    value = one(value)
    if value is None or value == []:
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "enabled", "1", "yes"):
        return True
    if text in ("false", "disabled", "0", "no", "suspended"):
        return False
    return None


def clean(value: Any) -> Any:
    """Drop checkov's position markers from a parsed value."""
    if isinstance(value, Mapping):
        return {str(k): clean(v) for k, v in value.items() if not str(k).startswith("__")}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def string_tags(value: Any) -> dict[str, str]:
    tags: dict[str, str] = {}
    if isinstance(value, list) and all(isinstance(i, Mapping) and "Key" in i for i in value):
        value = list(value)  # CloudFormation [{Key, Value}], even with a single tag
    else:
        value = one(value)
    if isinstance(value, Mapping):
        for k, v in value.items():
            if not str(k).startswith("__") and isinstance(one(v), str | int | float | bool):
                tags[str(k)] = opaque(one(v))
    elif isinstance(value, list):  # CloudFormation [{Key, Value}]
        for item in value:
            if isinstance(item, Mapping) and "Key" in item:
                tags[opaque(item["Key"])] = opaque(item.get("Value"))
    return dict(sorted(tags.items()))


def s3_bucket_names(values: list[str]) -> list[str]:
    names = set()
    for v in values:
        m = _S3_ARN.match(v)
        if m:
            names.add(m.group(1))
    return sorted(names)


@dataclass
class IacModel:
    buckets: list[dict[str, Any]] = field(default_factory=list)
    bucket_policies: list[dict[str, Any]] = field(default_factory=list)
    bucket_statements: list[dict[str, Any]] = field(default_factory=list)
    public_grants: list[dict[str, Any]] = field(default_factory=list)
    iam_roles: list[dict[str, Any]] = field(default_factory=list)
    iam_statements: list[dict[str, Any]] = field(default_factory=list)
    iam_managed_policies: list[dict[str, Any]] = field(default_factory=list)
    notebooks: list[dict[str, Any]] = field(default_factory=list)
    endpoint_configs: list[dict[str, Any]] = field(default_factory=list)
    models: list[dict[str, Any]] = field(default_factory=list)
    domains: list[dict[str, Any]] = field(default_factory=list)
    ecr_repositories: list[dict[str, Any]] = field(default_factory=list)
    network_exposures: list[dict[str, Any]] = field(default_factory=list)
    instances: list[dict[str, Any]] = field(default_factory=list)
    role_users: list[dict[str, Any]] = field(default_factory=list)  # {role, kind, address}
    service_accounts: list[dict[str, Any]] = field(default_factory=list)  # GCP
    ci_artifact_stores: list[dict[str, Any]] = field(default_factory=list)
    ml_workspaces: list[dict[str, Any]] = field(default_factory=list)  # Azure ML
    addresses: set[tuple[str, str]] = field(default_factory=set)  # (path, address) with facts

    def sort(self) -> None:
        for b in self.buckets:
            if b.get("kms_key_set"):
                b["kms_key"] = "set"
            b.setdefault("kms_key", "absent")
            b.setdefault("values", [])
            b.setdefault("lifecycle_rules", [])
        for name in (
            "buckets",
            "bucket_policies",
            "bucket_statements",
            "public_grants",
            "iam_roles",
            "iam_statements",
            "iam_managed_policies",
            "notebooks",
            "endpoint_configs",
            "models",
            "domains",
            "ecr_repositories",
            "network_exposures",
            "instances",
            "service_accounts",
            "ci_artifact_stores",
            "ml_workspaces",
        ):
            items: list[dict[str, Any]] = getattr(self, name)
            items.sort(
                key=lambda f: (
                    f["loc"]["path"],
                    f["loc"]["line"] or 0,
                    json.dumps(f, sort_keys=True, default=str),
                )
            )


# ----------------------------------------------------------------- Terraform
def _tf_resources(
    defs: Mapping[str, Any], kind: str = "resource"
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for entry in as_list(defs.get(kind)):
        if not isinstance(entry, Mapping):
            continue
        for rtype, named in entry.items():
            if not isinstance(named, Mapping):
                continue
            for name, body in named.items():
                if isinstance(body, dict):
                    yield str(rtype), str(name), body


def _tf_loc(path: str, body: Mapping[str, Any]) -> dict[str, Any]:
    start = body.get("__start_line__")
    end = body.get("__end_line__")
    return loc(
        path, start if isinstance(start, int) else None, end if isinstance(end, int) else None
    )


def add_terraform(model: IacModel, module: TfModule) -> None:
    """Facts of one Terraform module: every file of a folder evaluated as one unit, so a
    companion resource (versioning, encryption, policy, ...) attaches to its bucket
    whichever file of the module holds it."""
    resources = [
        (f, rtype, name, body) for f in module.files for rtype, name, body in _tf_resources(f.defs)
    ]
    buckets: dict[str, dict[str, Any]] = {}  # address -> bucket fact
    for f, rtype, name, body in resources:
        address = f"{rtype}.{name}"
        if rtype == "aws_s3_bucket":
            buckets[address] = _tf_bucket(module, f, address, body)
        elif rtype == "google_storage_bucket":
            buckets[address] = _tf_gcs_bucket(module, f, address, body)
        elif rtype == "azurerm_storage_account":
            buckets[address] = _tf_azure_account(module, f, address, body)
    for f, rtype, _, body in resources:
        for target in _tf_bucket_targets(body, buckets):
            _tf_bucket_setting(module, f, rtype, body, target)
    model.buckets.extend(buckets.values())
    model.addresses.update((b["loc"]["path"], a) for a, b in buckets.items())
    doc_statements: dict[str, list[dict[str, Any]]] = {}
    for f in module.files:
        lines = list(f.lines)
        for rtype, name, body in _tf_resources(f.defs, "data"):
            if rtype == "aws_iam_policy_document":
                doc_statements[name] = _tf_document_statements(f.path, body, lines)
    bucket_names = {a: b["name"] for a, b in buckets.items()}
    roles: dict[str, dict[str, Any]] = {}
    for f, rtype, name, body in resources:
        if rtype == "aws_iam_role":
            roles[f"{rtype}.{name}"] = _tf_role(
                f.path, f"{rtype}.{name}", body, list(f.lines), doc_statements
            )
    policy_roles: dict[str, list[str]] = {}
    profiles: dict[str, str | None] = {}  # instance profile address -> role address
    profile_names: dict[str, str] = {}
    first_instance = len(model.instances)
    for f, rtype, name, body in resources:
        path = f.path
        if rtype == "aws_iam_role_policy_attachment":
            role = _tf_role_ref(text_or_none(body.get("role")), roles)
            arn = text_or_none(body.get("policy_arn"))
            pol = _ref(_TF_POLICY_REF, arn, "aws_iam_policy")
            if role and pol:
                policy_roles.setdefault(pol, []).append(role)
            elif role and arn and ":policy/" in arn:
                model.iam_managed_policies.append(
                    managed_policy(path, role, arn, f"{rtype}.{name}", _tf_loc(path, body))
                )
    for f, rtype, name, body in resources:
        path, lines = f.path, list(f.lines)
        address = f"{rtype}.{name}"
        rloc = _tf_loc(path, body)
        if rtype == "aws_s3_bucket" and body.get("policy") not in (None, [], ""):
            # the inline policy of AWS provider v3 (`policy = <<POLICY ...`)
            own = buckets[address]
            add_bucket_policy(
                model,
                source="terraform",
                path=path,
                address=f"{address}.policy",
                loc_=rloc,
                bucket=own["name"] or address,
                bucket_address=address,
                statements=_tf_policy_statements(path, body, lines, doc_statements),
                bucket_names=bucket_names,
            )
        elif rtype == "aws_s3_bucket_policy":
            bucket_ref = text_or_none(body.get("bucket"))
            bucket = _resolve_bucket(bucket_ref, buckets)
            statements = _tf_policy_statements(path, body, lines, doc_statements)
            add_bucket_policy(
                model,
                source="terraform",
                path=path,
                address=address,
                loc_=rloc,
                bucket=bucket,
                bucket_address=_bucket_address(bucket_ref, buckets),
                statements=statements,
                bucket_names=bucket_names,
            )
        elif rtype in ("aws_iam_role_policy", "aws_iam_policy"):
            statements = _tf_policy_statements(path, body, lines, doc_statements)
            if rtype == "aws_iam_role_policy":
                role = _tf_role_ref(text_or_none(body.get("role")), roles)
                attached = [role] if role else []
            else:
                attached = sorted(policy_roles.get(address, []))
            for idx, st in enumerate(statements):
                model.iam_statements.append(
                    {
                        **st,
                        "policy": address,
                        "policy_name": text_or_none(body.get("name")),
                        "index": idx,
                        "roles": attached,
                        "buckets": statement_buckets(st, bucket_names),
                        "source": "terraform",
                    }
                )
        elif rtype in ("google_storage_bucket_iam_member", "google_storage_bucket_iam_binding"):
            members = [m for m in (opaque(x) for x in as_list(one(body.get("members")))) if m]
            member = text_or_none(body.get("member"))
            if member:
                members.append(member)
            for m in sorted(set(members)):
                model.public_grants.append(
                    {
                        "provider": "gcp",
                        "kind": "iam-member",
                        "address": address,
                        "bucket": _gcs_bucket_name(text_or_none(body.get("bucket")), buckets),
                        "member": m,
                        "service_account": _sa_ref(m),
                        "role": text_or_none(body.get("role")),
                        "loc": rloc,
                    }
                )
        elif rtype == "google_storage_bucket_acl":
            for entity in (opaque(x) for x in as_list(one(body.get("role_entity")))):
                model.public_grants.append(
                    {
                        "provider": "gcp",
                        "kind": "acl",
                        "address": address,
                        "bucket": _gcs_bucket_name(text_or_none(body.get("bucket")), buckets),
                        "member": entity,
                        "role": entity.split(":")[0] if ":" in entity else None,
                        "loc": rloc,
                    }
                )
        elif rtype == "azurerm_storage_container":
            access = text_or_none(body.get("container_access_type")) or "private"
            model.public_grants.append(
                {
                    "provider": "azure",
                    "kind": "container-access",
                    "address": address,
                    "bucket": text_or_none(body.get("name")),
                    "member": access,
                    "role": None,
                    "loc": rloc,
                }
            )
        elif rtype == "aws_sagemaker_notebook_instance":
            root = text_or_none(body.get("root_access"))
            internet = text_or_none(body.get("direct_internet_access"))
            model.notebooks.append(
                {
                    "address": address,
                    "name": text_or_none(body.get("name")),
                    "source": "terraform",
                    "root_access": root,
                    "root_access_effective": root or "Enabled",
                    "direct_internet_access": internet,
                    "direct_internet_access_effective": internet or "Enabled",
                    "kms_key_set": text_or_none(body.get("kms_key_id")) is not None,
                    "subnet_set": text_or_none(body.get("subnet_id")) is not None,
                    "role": _role_ref(text_or_none(body.get("role_arn"))),
                    "loc": rloc,
                }
            )
        elif rtype == "aws_sagemaker_endpoint_configuration":
            capture = block(body.get("data_capture_config"))
            capture_dest = text_or_none((capture or {}).get("destination_s3_uri"))
            model.endpoint_configs.append(
                {
                    "address": address,
                    "name": text_or_none(body.get("name")),
                    "source": "terraform",
                    "kms_key_set": text_or_none(body.get("kms_key_arn")) is not None,
                    "data_capture": None
                    if capture is None
                    else {
                        "enabled": truthy(capture.get("enable_capture")) is not False,
                        "kms_key_set": text_or_none(capture.get("kms_key_id")) is not None,
                        "destination": capture_dest,
                        "destination_bucket": _s3_bucket_of(capture_dest),
                        "capture_modes": sorted(
                            str(text_or_none(o.get("capture_mode")))
                            for o in as_list(capture.get("capture_options"))
                            if isinstance(o, Mapping)
                        ),
                        "sampling_percentage": one(capture.get("initial_sampling_percentage")),
                    },
                    "loc": rloc,
                }
            )
        elif rtype == "aws_sagemaker_model":
            container = block(body.get("primary_container")) or {}
            model.models.append(
                {
                    "address": address,
                    "name": text_or_none(body.get("name")),
                    "source": "terraform",
                    "network_isolation": truthy(body.get("enable_network_isolation")) is True,
                    "vpc_config_set": block(body.get("vpc_config")) is not None,
                    "image": text_or_none(container.get("image")),
                    "model_data_url": text_or_none(container.get("model_data_url")),
                    "role": _role_ref(text_or_none(body.get("execution_role_arn"))),
                    "loc": rloc,
                }
            )
        elif rtype == "aws_sagemaker_domain":
            settings = block(body.get("default_user_settings")) or {}
            model.domains.append(
                {
                    "address": address,
                    "name": text_or_none(body.get("domain_name")),
                    "source": "terraform",
                    "kms_key_set": text_or_none(body.get("kms_key_id")) is not None,
                    "app_network_access_type": text_or_none(body.get("app_network_access_type"))
                    or "PublicInternetOnly",
                    "role": _role_ref(text_or_none(settings.get("execution_role"))),
                    "loc": rloc,
                }
            )
        elif rtype == "aws_ecr_repository":
            scan = block(body.get("image_scanning_configuration")) or {}
            model.ecr_repositories.append(
                {
                    "address": address,
                    "name": text_or_none(body.get("name")),
                    "source": "terraform",
                    "tag_mutability": text_or_none(body.get("image_tag_mutability")) or "MUTABLE",
                    "scan_on_push": truthy(scan.get("scan_on_push")) is True,
                    "loc": rloc,
                }
            )
        elif rtype in _NETWORK_TYPES:
            model.network_exposures.extend(_network(rtype, address, body, rloc))
        elif rtype == "aws_instance":
            meta = block(body.get("metadata_options")) or {}
            profile = text_or_none(body.get("iam_instance_profile"))
            model.instances.append(
                {
                    "address": address,
                    "source": "terraform",
                    "http_tokens": text_or_none(meta.get("http_tokens")),
                    "http_endpoint": text_or_none(meta.get("http_endpoint")),
                    "instance_profile": profile,
                    "role": None,
                    "loc": rloc,
                }
            )
        elif rtype == "aws_iam_instance_profile":
            profiles[address] = _tf_role_ref(text_or_none(body.get("role")), roles)
            profile_names[str(text_or_none(body.get("name")) or address)] = address
            continue
        elif rtype == "azurerm_machine_learning_workspace":
            ref = text_or_none(body.get("storage_account_id"))
            found = _bucket_refs(ref)
            account = buckets.get(f"{found[0]}.{found[1]}") if found else None
            model.ml_workspaces.append(
                {
                    "address": address,
                    "name": text_or_none(body.get("name")),
                    "provider": "azure",
                    "source": "terraform",
                    "storage": (account["name"] or account["address"]) if account else ref,
                    "public_network_access_enabled": truthy(
                        body.get("public_network_access_enabled")
                    ),
                    "loc": rloc,
                }
            )
            continue
        elif rtype == "aws_codepipeline":
            for store in as_list(body.get("artifact_store")):
                if not isinstance(store, Mapping):
                    continue
                location = text_or_none(store.get("location"))
                found = _bucket_refs(location)
                store_bucket = buckets.get(f"{found[0]}.{found[1]}") if found else None
                bucket = (
                    (store_bucket["name"] or store_bucket["address"]) if store_bucket else location
                )
                model.ci_artifact_stores.append(
                    {
                        "address": address,
                        "bucket": bucket,
                        "source": "terraform",
                        "output_artifacts": _tf_pipeline_outputs(body),
                        "role": _tf_role_ref(text_or_none(body.get("role_arn")), roles),
                        "loc": rloc,
                    }
                )
            continue
        elif rtype == "aws_codebuild_project":
            for art in (*as_list(body.get("artifacts")), *as_list(body.get("secondary_artifacts"))):
                location = text_or_none(art.get("location")) if isinstance(art, Mapping) else None
                if not location or str(text_or_none(art.get("type")) or "").upper() != "S3":
                    continue
                found = _bucket_refs(location)
                store_bucket = buckets.get(f"{found[0]}.{found[1]}") if found else None
                model.ci_artifact_stores.append(
                    {
                        "address": address,
                        "bucket": (store_bucket["name"] or store_bucket["address"])
                        if store_bucket
                        else location,
                        "source": "terraform",
                        "output_artifacts": artifact_names(
                            art, ("name", "path", "artifact_identifier")
                        ),
                        "role": _tf_role_ref(text_or_none(body.get("service_role")), roles),
                        "loc": rloc,
                    }
                )
            continue
        elif rtype == "google_service_account":
            model.service_accounts.append(
                {
                    "address": address,
                    "account_id": text_or_none(body.get("account_id")),
                    "source": "terraform",
                    "used_by": [],
                    "loc": rloc,
                }
            )
        elif rtype in _GCP_SA_USERS:
            kind, paths = _GCP_SA_USERS[rtype]
            for sa_path in paths:
                ref = text_or_none(_dig(body, sa_path))
                sa = re.search(r"\bgoogle_service_account\.([A-Za-z0-9_-]+)", ref or "")
                if sa:
                    model.role_users.append(
                        {
                            "role": f"google_service_account.{sa.group(1)}",
                            "kind": kind,
                            "address": address,
                            "scope": module.folder,
                        }
                    )
            continue
        elif rtype == "aws_ecs_task_definition":
            for attr in ("task_role_arn", "execution_role_arn"):
                role = _tf_role_ref(text_or_none(body.get(attr)), roles)
                if role is not None:
                    model.role_users.append(
                        {
                            "role": role,
                            "kind": "ecs-task",
                            "address": address,
                            "scope": module.folder,
                        }
                    )
            continue
        else:
            continue
        model.addresses.add((path, address))
    for inst in model.instances[first_instance:]:
        if inst["instance_profile"] is None:
            continue
        ref = inst["instance_profile"]
        pm = re.search(r"\baws_iam_instance_profile\.([A-Za-z0-9_-]+)", ref)
        address_of = f"aws_iam_instance_profile.{pm.group(1)}" if pm else profile_names.get(ref)
        inst["role"] = profiles.get(address_of or "")
        if inst["role"] is not None:
            model.role_users.append(
                {
                    "role": inst["role"],
                    "kind": "instance",
                    "address": inst["address"],
                    "scope": module.folder,
                }
            )
    for role_fact in roles.values():
        for arn in role_fact.pop("_managed"):
            model.iam_managed_policies.append(
                managed_policy(
                    role_fact["loc"]["path"],
                    role_fact["address"],
                    arn,
                    role_fact["address"],
                    role_fact["loc"],
                )
            )
        for st in role_fact.pop("_inline"):
            model.iam_statements.append(
                {
                    **st,
                    "roles": [role_fact["address"]],
                    "buckets": statement_buckets(st, bucket_names),
                    "source": "terraform",
                }
            )
        model.iam_roles.append(role_fact)
        model.addresses.add((role_fact["loc"]["path"], role_fact["address"]))


def managed_policy(
    path: str, role: str, arn: str, address: str, loc_: dict[str, Any]
) -> dict[str, Any]:
    """A managed policy attached to a role (``arn:aws:iam::aws:policy/AmazonS3FullAccess``)."""
    return {
        "role": role,
        "policy_arn": arn,
        "policy_name": arn.rsplit("/", 1)[-1],
        "aws_managed": ":iam::aws:policy/" in arn,
        "address": address,
        "loc": loc_,
    }


def _tf_role_ref(value: str | None, roles: Mapping[str, Mapping[str, Any]]) -> str | None:
    """A role reference: ``aws_iam_role.x.name`` as written, or already resolved by
    checkov to the role's name."""
    address = _ref(_TF_ROLE_REF, value, "aws_iam_role")
    if address is not None or value is None:
        return address
    for candidate, role in roles.items():
        if role.get("name") == value:
            return candidate
    return None


def _ref(pattern: re.Pattern[str], value: str | None, prefix: str) -> str | None:
    if not value:
        return None
    m = pattern.search(value)
    return f"{prefix}.{m.group(1)}" if m else None


def _role_ref(value: str | None) -> str | None:
    if not value:
        return None
    m = _TF_ROLE_REF.search(value)
    return f"aws_iam_role.{m.group(1)}" if m else value


_NETWORK_TYPES = frozenset(
    {
        "aws_security_group",
        "aws_default_security_group",
        "aws_security_group_rule",
        "aws_vpc_security_group_ingress_rule",
        "google_compute_firewall",
        "aws_lb_listener",
        "aws_alb_listener",
        "aws_lb_target_group",
        "aws_alb_target_group",
    }
)


def _int(value: Any) -> int | None:
    value = one(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _strings(value: Any) -> list[str]:
    out: list[str] = []
    for item in as_list(value):
        for v in as_list(item):
            if isinstance(v, str | int):
                out.append(str(v))
    return sorted(set(out))


def _rule_fact(
    kind: str,
    address: str,
    rloc: dict[str, Any],
    body: Mapping[str, Any],
    direction: str,
    group: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    names = [address, *_strings(body.get("description"))]
    if group is not None:
        names += _strings(group.get("name")) + _strings(group.get("description"))
    cidrs = _strings(body.get("cidr_blocks")) + _strings(body.get("ipv6_cidr_blocks"))
    cidrs += _strings(body.get("cidr_ipv4")) + _strings(body.get("cidr_ipv6"))
    return {
        "kind": kind,
        "provider": "aws",
        "address": address,
        "direction": direction,
        "protocol": text_or_none(body.get("protocol") or body.get("ip_protocol")),
        "from_port": _int(body.get("from_port")),
        "to_port": _int(body.get("to_port")),
        "ports": [],
        "cidrs": sorted(set(cidrs)),
        "target_group": None,
        "action": None,
        "names": sorted(set(names)),
        "loc": rloc,
    }


def _network(
    rtype: str, address: str, body: Mapping[str, Any], rloc: dict[str, Any]
) -> list[dict[str, Any]]:
    """Ingress rules, firewalls, load balancer listeners and target groups, as written."""
    if rtype in ("aws_security_group", "aws_default_security_group"):
        return [
            _rule_fact("ingress", address, rloc, r, "ingress", body)
            for r in as_list(body.get("ingress"))
            if isinstance(r, Mapping)
        ]
    if rtype == "aws_security_group_rule":
        direction = text_or_none(body.get("type")) or "ingress"
        return [_rule_fact("ingress", address, rloc, body, direction)]
    if rtype == "aws_vpc_security_group_ingress_rule":
        return [_rule_fact("ingress", address, rloc, body, "ingress")]
    if rtype == "google_compute_firewall":
        ports: list[str] = []
        for allow in as_list(body.get("allow")):
            if isinstance(allow, Mapping):
                ports.extend(_strings(allow.get("ports")) or ["all"])
        direction = (text_or_none(body.get("direction")) or "INGRESS").lower()
        return [
            {
                "kind": "firewall",
                "provider": "gcp",
                "address": address,
                "direction": direction,
                "protocol": None,
                "from_port": None,
                "to_port": None,
                "ports": sorted(set(ports)),
                "cidrs": _strings(body.get("source_ranges")),
                "target_group": None,
                "action": None,
                "names": [*_strings(body.get("target_tags")), address],
                "loc": rloc,
            }
        ]
    if rtype in ("aws_lb_listener", "aws_alb_listener"):
        action = block(body.get("default_action")) or {}
        target = text_or_none(action.get("target_group_arn"))
        m = re.search(r"\b(aws_(?:a)?lb_target_group\.[A-Za-z0-9_-]+)", target or "")
        return [
            {
                "kind": "listener",
                "provider": "aws",
                "address": address,
                "direction": "ingress",
                "protocol": text_or_none(body.get("protocol")) or "HTTP",
                "from_port": _int(body.get("port")),
                "to_port": _int(body.get("port")),
                "ports": [],
                "cidrs": [],
                "target_group": m.group(1) if m else target,
                "action": text_or_none(action.get("type")),
                "names": [],
                "loc": rloc,
            }
        ]
    return [
        {
            "kind": "target-group",
            "provider": "aws",
            "address": address,
            "direction": "ingress",
            "protocol": text_or_none(body.get("protocol")),
            "from_port": _int(body.get("port")),
            "to_port": _int(body.get("port")),
            "ports": [],
            "cidrs": [],
            "target_group": None,
            "action": None,
            "names": [n for n in (text_or_none(body.get("name")), address) if n],
            "loc": rloc,
        }
    ]


# GCP resources that run as a service account: type -> (used_by kind, attribute paths)
_GCP_SA_USERS: Mapping[str, tuple[str, tuple[tuple[str, ...], ...]]] = {
    "google_cloud_run_service": ("cloud-run", (("template", "spec", "service_account_name"),)),
    "google_cloud_run_v2_service": ("cloud-run", (("template", "service_account"),)),
    "google_cloud_run_v2_job": ("cloud-run-job", (("template", "template", "service_account"),)),
    "google_compute_instance": ("instance", (("service_account", "email"),)),
    "google_workbench_instance": ("notebook", (("gce_setup", "service_accounts", "email"),)),
    "google_notebooks_instance": ("notebook", (("service_account",),)),
    "google_vertex_ai_endpoint": ("vertex-endpoint", (("service_account",),)),
}


def _sa_ref(member: str) -> str | None:
    """``serviceAccount:${google_service_account.x.email}`` -> ``google_service_account.x``."""
    m = re.search(r"\bgoogle_service_account\.([A-Za-z0-9_-]+)", member)
    return f"google_service_account.{m.group(1)}" if m else None


def _dig(body: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = body
    for key in path:
        found = block(value)
        if found is None:
            return None
        value = found.get(key)
    return value


def _s3_bucket_of(uri: str | None) -> str | None:
    if not uri:
        return None
    m = _TF_BUCKET_REF.search(uri)
    if m:
        return f"aws_s3_bucket.{m.group(1)}"
    m = re.match(r"^s3://([^/$]+)", uri)
    return m.group(1) if m else None


def _scope(item: Mapping[str, Any]) -> str:
    """Where references resolve: a Terraform module folder, or one CloudFormation template."""
    path = str(item["loc"]["path"])
    if item.get("source") == "terraform":
        return path.rsplit("/", 1)[0] if "/" in path else ""
    return path


def link_workspace_storage(model: IacModel) -> None:
    """An Azure ML workspace whose storage account is a resource of another module (passed
    in through that module's output, ``module.storage.id``): the one storage account with
    that address, by its name (or address)."""
    for w in model.ml_workspaces:
        found = _bucket_refs(w.get("storage"))
        if w.get("source") != "terraform" or not found:
            continue
        address = f"{found[0]}.{found[1]}"
        matches = [b for b in model.buckets if b["address"] == address]
        if len(matches) == 1:
            w["storage"] = matches[0]["name"] or matches[0]["address"]


def link_role_users(model: IacModel) -> None:
    """Each role's ``used_by``: what runs with it in the same module (or template). One
    pass over the whole model, after every module and template was read."""
    users: dict[tuple[str, str], list[dict[str, str]]] = {}
    for kind, items in (
        ("notebook", model.notebooks),
        ("model", model.models),
        ("domain", model.domains),
    ):
        for item in items:
            if item.get("role"):
                users.setdefault((_scope(item), item["role"]), []).append(
                    {"kind": kind, "address": item["address"]}
                )
    for u in model.role_users:
        users.setdefault((u["scope"], u["role"]), []).append(
            {"kind": u["kind"], "address": u["address"]}
        )
    for role in [*model.iam_roles, *model.service_accounts]:
        role["used_by"] = sorted(
            users.get((_scope(role), role["address"]), []),
            key=lambda u: (u["kind"], u["address"]),
        )


def _bucket_address(ref: str | None, buckets: Mapping[str, Mapping[str, Any]]) -> str | None:
    if not ref:
        return None
    m = _TF_BUCKET_REF.search(ref)
    if m and f"aws_s3_bucket.{m.group(1)}" in buckets:
        return f"aws_s3_bucket.{m.group(1)}"
    for address, b in buckets.items():
        if b["name"] is not None and b["name"] == ref:
            return address
    return None


def _resolve_bucket(ref: str | None, buckets: Mapping[str, Mapping[str, Any]]) -> str | None:
    address = _bucket_address(ref, buckets)
    if address is not None:
        name = buckets[address]["name"]
        return str(name) if name is not None else address
    return ref


def _gcs_bucket_name(ref: str | None, buckets: Mapping[str, Mapping[str, Any]]) -> str | None:
    if not ref:
        return None
    m = re.search(r"\bgoogle_storage_bucket\.([A-Za-z0-9_-]+)", ref)
    if m:
        b = buckets.get(f"google_storage_bucket.{m.group(1)}")
        if b is not None:
            return str(b["name"]) if b["name"] is not None else b["address"]
    return ref


def _bucket_refs(ref: str | None) -> tuple[str, str] | None:
    """``aws_s3_bucket.x.id`` / ``google_storage_bucket.x["k"].name`` -> (type, name)."""
    if not ref:
        return None
    m = _ANY_BUCKET_REF.search(ref)
    return (m.group(1), m.group(2)) if m else None


def _tf_bucket_targets(
    body: Mapping[str, Any], buckets: Mapping[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The buckets a companion resource configures: by reference (every instance of a
    ``for_each`` / ``count`` bucket) or by literal name."""
    ref = text_or_none(
        body.get("bucket") or body.get("storage_account_id") or body.get("storage_account_name")
    )
    if ref is None:
        return []
    found = _bucket_refs(ref)
    if found is not None:
        rtype, name = found
        return [
            b
            for address, b in buckets.items()
            if address == f"{rtype}.{name}" or address.startswith(f"{rtype}.{name}[")
        ]
    return [b for b in buckets.values() if b["name"] is not None and b["name"] == ref]


def empty_bucket(
    *,
    path: str,
    address: str,
    name: str | None,
    provider: str,
    source: str,
    loc_: dict[str, Any],
    tags: dict[str, str],
) -> dict[str, Any]:
    return {
        "name": name,
        "address": address,
        "provider": provider,
        "source": source,
        "versioning": None,
        "versioning_enabled": False,
        "mfa_delete": False,
        "object_lock": False,
        "sse_algorithm": None,
        "kms_key_set": False,
        "kms_key": "absent",
        "logging": False,
        "public_access_block": None,
        "acl": None,
        "uniform_access": None,
        "public_access_prevention": None,
        "lifecycle_rules": [],
        "tags": tags,
        "loc": loc_,
        "settings": [],
        "values": [],
    }


def _record(b: dict[str, Any], attr: str, v: Value) -> None:
    """Keep an unknown value, or a known one that came from elsewhere (variable, tfvars,
    local, module input), in the bucket's ``values``."""
    if v.state == "unknown" or v.origins:
        b["values"].append(v.fact(attr))


def _tf_versioning(
    module: TfModule, f: TfFile, b: dict[str, Any], body: Mapping[str, Any]
) -> Mapping[str, Any] | None:
    """The inline ``versioning { enabled = ... }`` block (AWS and GCS spell it alike)."""
    versioning = block(body.get("versioning"))
    if versioning is not None:
        v = module.value(f, body, "versioning.enabled", one(versioning.get("enabled")))
        _record(b, "versioning.enabled", v)
        if v.state == "unknown":
            b["versioning"] = "unknown"
            b["versioning_enabled"] = False
            return versioning
        enabled = truthy(v.value)
        b["versioning"] = "Enabled" if enabled else "Disabled"
        b["versioning_enabled"] = bool(enabled)
    return versioning


def _name(
    module: TfModule, f: TfFile, b: dict[str, Any], body: Mapping[str, Any], attr: str
) -> None:
    v = module.value(f, body, attr, one(body.get(attr)))
    _record(b, attr, v)
    b["name"] = text_or_none(v.value) if v.state == "known" else None


def _tf_bucket(
    module: TfModule, f: TfFile, address: str, body: Mapping[str, Any]
) -> dict[str, Any]:
    path = f.path
    b = empty_bucket(
        path=path,
        address=address,
        name=None,
        provider="aws",
        source="terraform",
        loc_=_tf_loc(path, body),
        tags=string_tags(body.get("tags")),
    )
    _name(module, f, b, body, "bucket")
    versioning = _tf_versioning(module, f, b, body)
    if versioning is not None:
        b["mfa_delete"] = truthy(versioning.get("mfa_delete")) is True
    if truthy(body.get("object_lock_enabled")) or block(body.get("object_lock_configuration")):
        b["object_lock"] = True
    _tf_sse(module, f, b, body, block(body.get("server_side_encryption_configuration")))
    if block(body.get("logging")) is not None:
        b["logging"] = True
    b["acl"] = text_or_none(body.get("acl"))
    b["lifecycle_rules"].extend(_rule(r) for r in as_list(body.get("lifecycle_rule")))
    return b


def _tf_gcs_bucket(
    module: TfModule, f: TfFile, address: str, body: Mapping[str, Any]
) -> dict[str, Any]:
    path = f.path
    b = empty_bucket(
        path=path,
        address=address,
        name=None,
        provider="gcp",
        source="terraform",
        loc_=_tf_loc(path, body),
        tags=string_tags(body.get("labels")),
    )
    _name(module, f, b, body, "name")
    _tf_versioning(module, f, b, body)
    retention = block(body.get("retention_policy"))
    b["object_lock"] = retention is not None and truthy(retention.get("is_locked")) is True
    enc = block(body.get("encryption"))
    if enc is not None:
        v = module.value(
            f, body, "encryption.default_kms_key_name", one(enc.get("default_kms_key_name"))
        )
        _record(b, "encryption.default_kms_key_name", v)
        if v.state == "known":
            b["sse_algorithm"] = "kms"
            b["kms_key_set"] = True
            b["kms_key"] = "set"
        elif v.state == "unknown":
            b["kms_key"] = "unknown"
    b["logging"] = block(body.get("logging")) is not None
    b["uniform_access"] = truthy(body.get("uniform_bucket_level_access"))
    b["public_access_prevention"] = text_or_none(body.get("public_access_prevention"))
    b["lifecycle_rules"].extend(_gcs_rule(r) for r in as_list(body.get("lifecycle_rule")))
    return b


def _tf_azure_account(
    module: TfModule, f: TfFile, address: str, body: Mapping[str, Any]
) -> dict[str, Any]:
    """An Azure storage account (its containers are ``bucket_policies.public_grants``)."""
    b = empty_bucket(
        path=f.path,
        address=address,
        name=None,
        provider="azure",
        source="terraform",
        loc_=_tf_loc(f.path, body),
        tags=string_tags(body.get("tags")),
    )
    _name(module, f, b, body, "name")
    blob = block(body.get("blob_properties")) or {}
    enabled = truthy(blob.get("versioning_enabled"))
    b["versioning"] = None if enabled is None else "Enabled" if enabled else "Disabled"
    b["versioning_enabled"] = enabled is True
    if block(body.get("customer_managed_key")) is not None:
        b["kms_key_set"] = True
        b["kms_key"] = "set"
    b["public_access_prevention"] = (
        "enforced" if truthy(body.get("allow_nested_items_to_be_public")) is False else None
    )
    return b


def _tf_sse(
    module: TfModule,
    f: TfFile,
    b: dict[str, Any],
    body: Mapping[str, Any],
    sse: Mapping[str, Any] | None,
) -> None:
    if sse is None:
        return
    rule = block(sse.get("rule")) or {}
    default = block(rule.get("apply_server_side_encryption_by_default")) or {}
    prefix = "rule.apply_server_side_encryption_by_default"
    if "server_side_encryption_configuration" in body:
        prefix = "server_side_encryption_configuration." + prefix
    algo = module.value(f, body, f"{prefix}.sse_algorithm", one(default.get("sse_algorithm")))
    key = module.value(
        f, body, f"{prefix}.kms_master_key_id", one(default.get("kms_master_key_id"))
    )
    _record(b, "sse_algorithm", algo)
    _record(b, "kms_master_key_id", key)
    if algo.state == "known":
        b["sse_algorithm"] = text_or_none(algo.value)
    elif algo.state == "unknown":
        b["sse_algorithm"] = None
    if key.state == "known":
        b["kms_key_set"] = True
        b["kms_key"] = "set"
    elif key.state == "unknown":
        b["kms_key_set"] = False
        b["kms_key"] = "unknown"
    elif algo.state == "unknown" and b["kms_key"] != "set":
        b["kms_key"] = "unknown"


def _rule(rule: Any) -> dict[str, Any]:
    """A lifecycle rule (inline ``lifecycle_rule`` or ``aws_s3_bucket_lifecycle_configuration``)."""
    r = rule if isinstance(rule, Mapping) else {}
    status = text_or_none(r.get("status"))
    enabled = truthy(r.get("enabled"))
    return {
        "id": text_or_none(r.get("id")),
        "enabled": status == "Enabled" or enabled is True,
        "expiration": bool(block(r.get("expiration"))) or r.get("expiration") not in (None, []),
        "noncurrent_expiration": r.get("noncurrent_version_expiration") not in (None, []),
    }


def _gcs_rule(rule: Any) -> dict[str, Any]:
    r = rule if isinstance(rule, Mapping) else {}
    action = block(r.get("action")) or {}
    return {
        "id": None,
        "enabled": True,
        "expiration": text_or_none(action.get("type")) == "Delete",
        "noncurrent_expiration": False,
    }


def _tf_bucket_setting(
    module: TfModule, f: TfFile, rtype: str, body: Mapping[str, Any], b: dict[str, Any]
) -> None:
    setting_loc = _tf_loc(f.path, body)
    if rtype == "aws_s3_bucket_versioning":
        conf = block(body.get("versioning_configuration")) or {}
        v = module.value(f, body, "versioning_configuration.status", one(conf.get("status")))
        _record(b, "versioning_configuration.status", v)
        if v.state == "unknown":
            b["versioning"] = "unknown"
            b["versioning_enabled"] = False
        else:
            status = text_or_none(v.value)
            b["versioning"] = status
            b["versioning_enabled"] = status == "Enabled"
        b["mfa_delete"] = truthy(conf.get("mfa_delete")) is True
    elif rtype == "aws_s3_bucket_server_side_encryption_configuration":
        _tf_sse(module, f, b, body, body)
    elif rtype == "aws_s3_bucket_logging":
        b["logging"] = text_or_none(body.get("target_bucket")) is not None
    elif rtype == "aws_s3_bucket_public_access_block":
        b["public_access_block"] = {
            k: truthy(body.get(k)) is True
            for k in (
                "block_public_acls",
                "block_public_policy",
                "ignore_public_acls",
                "restrict_public_buckets",
            )
        }
    elif rtype == "aws_s3_bucket_object_lock_configuration":
        b["object_lock"] = True
    elif rtype == "aws_s3_bucket_acl":
        b["acl"] = text_or_none(body.get("acl"))
    elif rtype == "azurerm_storage_account_customer_managed_key":
        b["kms_key_set"] = True
        b["kms_key"] = "set"
    elif rtype == "aws_s3_bucket_lifecycle_configuration":
        b["lifecycle_rules"].extend(_rule(r) for r in as_list(body.get("rule")))
    elif rtype in (
        "google_storage_bucket_iam_member",
        "google_storage_bucket_iam_binding",
        "google_storage_bucket_iam_policy",
        "google_storage_bucket_acl",
        "google_storage_bucket_access_control",
    ):
        pass  # grants: bucket_policies.public_grants; listed here as settings
    else:
        return
    b["settings"].append({"resource": rtype, "loc": setting_loc})


def _tf_document_statements(
    path: str, body: Mapping[str, Any], lines: list[str]
) -> list[dict[str, Any]]:
    raw = [s for s in as_list(body.get("statement")) if isinstance(s, Mapping)]
    start, end = body.get("__start_line__"), body.get("__end_line__")
    found: list[int] = []
    if isinstance(start, int) and isinstance(end, int):
        groups = policy_statement_lines(lines, start, end)
        found = groups[0][1] if groups else []
    out = []
    for idx, st in enumerate(raw):
        line = found[idx] if idx < len(found) else (start if isinstance(start, int) else None)
        out.append(
            anchored(normalise_tf_document_statement(st), loc(path, line), _tf_loc(path, body))
        )
    return out


def anchored(
    statement: dict[str, Any],
    statement_loc: dict[str, Any],
    block_loc: dict[str, Any],
    *,
    principal_loc: dict[str, Any] | None = None,
    action_loc: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A statement fact with its locations: the statement itself (``loc``), the IaC block
    that holds it (``block_loc``: the policy resource or ``data`` document; the statement
    for a standalone JSON document), and - where the parser keeps key positions - the
    ``Principal`` and ``Action`` keys."""
    return {
        **statement,
        "loc": statement_loc,
        "block_loc": block_loc,
        "principal_loc": principal_loc,
        "action_loc": action_loc,
    }


def _tf_policy_values(value: Any) -> list[Any]:
    """Policy documents held in a ``policy`` attribute (jsonencode dict or JSON text)."""
    value = one(value)
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("${jsonencode(") and text.endswith(")}"):
            # checkov leaves jsonencode() unevaluated when an argument is unresolved and
            # renders the argument as a Python literal; read it as data, never as code.
            try:
                return [ast.literal_eval(text[len("${jsonencode(") : -2])]
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                return [value]
        try:
            value = json.loads(text)
        except ValueError:
            return [value]  # a reference such as data.aws_iam_policy_document.x.json
    return [value]


def _tf_policy_statements(
    path: str,
    body: Mapping[str, Any],
    lines: list[str],
    doc_statements: Mapping[str, list[dict[str, Any]]],
    attr: str = "policy",
) -> list[dict[str, Any]]:
    start, end = body.get("__start_line__"), body.get("__end_line__")
    found: list[int] = []
    if isinstance(start, int) and isinstance(end, int):
        named = [g for name, g in policy_statement_lines(lines, start, end) if name == attr]
        found = named[0] if named else []
    out: list[dict[str, Any]] = []
    for doc in _tf_policy_values(body.get(attr)):
        if isinstance(doc, str):
            m = _TF_DOC_REF.search(doc)
            if m:
                out.extend(doc_statements.get(m.group(1), []))
            continue
        if not looks_like_policy(doc):
            continue
        raw = doc["Statement"]
        for idx, st in enumerate(raw if isinstance(raw, list) else [raw]):
            if not isinstance(st, Mapping):
                continue
            line = found[idx] if idx < len(found) else (start if isinstance(start, int) else None)
            out.append(anchored(normalise_statement(st), loc(path, line), _tf_loc(path, body)))
    return out


def _tf_role(
    path: str,
    address: str,
    body: Mapping[str, Any],
    lines: list[str],
    doc_statements: Mapping[str, list[dict[str, Any]]],
) -> dict[str, Any]:
    trust = _tf_policy_statements(path, body, lines, doc_statements, attr="assume_role_policy")
    services = sorted({s for st in trust for s in st["principals"]["service"]})
    # IRSA: a web-identity trust whose ``<oidc provider>:sub`` names Kubernetes service accounts
    service_accounts = sorted(
        {
            str(v)[len("system:serviceaccount:") :].replace(":", "/", 1)
            for st in trust
            if st["principals"]["federated"]
            for c in st.get("conditions", [])
            if str(c.get("key", "")).endswith(":sub")
            for v in c.get("values", [])
            if str(v).startswith("system:serviceaccount:")
        }
    )
    inline: list[dict[str, Any]] = []
    start = body.get("__start_line__")
    end = body.get("__end_line__")
    groups = (
        [g for name, g in policy_statement_lines(lines, start, end) if name == "policy"]
        if isinstance(start, int) and isinstance(end, int)
        else []
    )
    group = 0
    for idx, pol in enumerate(as_list(body.get("inline_policy"))):
        if not isinstance(pol, Mapping):
            continue
        found = groups[group] if group < len(groups) else []
        group += 1
        sidx = 0
        for doc in _tf_policy_values(pol.get("policy")):
            if isinstance(doc, str):
                m = _TF_DOC_REF.search(doc)
                if m:
                    for st in doc_statements.get(m.group(1), []):
                        inline.append(
                            {
                                **st,
                                "policy": f"{address}.inline_policy[{idx}]",
                                "policy_name": text_or_none(pol.get("name")),
                                "index": sidx,
                            }
                        )
                        sidx += 1
                continue
            if not looks_like_policy(doc):
                continue
            raw = doc["Statement"]
            for st in raw if isinstance(raw, list) else [raw]:
                if isinstance(st, Mapping):
                    line = found[sidx] if sidx < len(found) else start
                    inline.append(
                        {
                            **anchored(
                                normalise_statement(st), loc(path, line), _tf_loc(path, body)
                            ),
                            "policy": f"{address}.inline_policy[{idx}]",
                            "policy_name": text_or_none(pol.get("name")),
                            "index": sidx,
                        }
                    )
                    sidx += 1
    return {
        "address": address,
        "name": text_or_none(body.get("name")),
        "source": "terraform",
        "trusted_services": services,
        "service_accounts": service_accounts,
        "used_by": [],
        "loc": _tf_loc(path, body),
        "_inline": inline,
        "_managed": sorted(
            {opaque(a) for item in as_list(body.get("managed_policy_arns")) for a in as_list(item)}
        ),
    }


def statement_buckets(st: Mapping[str, Any], bucket_names: Mapping[str, Any]) -> list[str]:
    """Bucket names a statement's resources name: ARNs, or references to module buckets."""
    names = set(s3_bucket_names(list(st["resources"])))
    for r in st["resources"]:
        m = _ANY_BUCKET_REF.search(r)
        if m:
            name = bucket_names.get(f"{m.group(1)}.{m.group(2)}")
            names.add(str(name) if name else f"{m.group(1)}.{m.group(2)}")
    return sorted(names)


def add_bucket_policy(
    model: IacModel,
    *,
    source: str,
    path: str,
    address: str | None,
    loc_: dict[str, Any],
    bucket: str | None,
    bucket_address: str | None,
    statements: list[dict[str, Any]],
    bucket_names: Mapping[str, Any],
    statement_key_loc: dict[str, Any] | None = None,
) -> None:
    policy_id = f"{path}#{address}" if address else path
    model.bucket_policies.append(
        {
            "id": policy_id,
            "source": source,
            "address": address,
            "bucket": bucket,
            "bucket_address": bucket_address,
            "statement_count": len(statements),
            "loc": loc_,
            "statement_key_loc": statement_key_loc,
        }
    )
    for idx, st in enumerate(statements):
        names = set(s3_bucket_names(st["resources"]))
        for r in st["resources"]:
            m = _TF_BUCKET_REF.search(r)
            if m and bucket_names.get(f"aws_s3_bucket.{m.group(1)}"):
                names.add(str(bucket_names[f"aws_s3_bucket.{m.group(1)}"]))
        if bucket:
            names.add(bucket)
        model.bucket_statements.append(
            {
                **st,
                "policy_id": policy_id,
                "policy_source": source,
                "policy_address": address,
                "index": idx,
                "bucket": bucket or (sorted(names)[0] if names else None),
                "buckets": sorted(names),
            }
        )
    if address is not None:
        model.addresses.add((path, address))


def add_standalone_policy(
    model: IacModel,
    path: str,
    statements: Sequence[tuple[Any, int | None, Mapping[str, dict[str, Any]]]],
    doc_line: int | None,
    statement_key_loc: dict[str, Any] | None = None,
) -> None:
    normalised = [
        anchored(
            normalise_statement(raw),
            loc(path, line),
            loc(path, line),
            principal_loc=keys.get("principal"),
            action_loc=keys.get("action"),
        )
        for raw, line, keys in statements
    ]
    names = sorted({n for st in normalised for n in s3_bucket_names(st["resources"])})
    add_bucket_policy(
        model,
        source="json",
        path=path,
        address=None,
        loc_=loc(path, doc_line),
        bucket=names[0] if len(names) == 1 else None,
        bucket_address=None,
        statements=normalised,
        bucket_names={},
        statement_key_loc=statement_key_loc,
    )


def _tf_pipeline_outputs(body: Mapping[str, Any]) -> list[str]:
    """The names of the artifacts an ``aws_codepipeline``'s actions output (what its
    artifact store holds), sorted."""
    names: set[str] = set()
    for stage in as_list(body.get("stage")):
        if not isinstance(stage, Mapping):
            continue
        for action in as_list(stage.get("action")):
            if not isinstance(action, Mapping):
                continue
            for out in as_list(action.get("output_artifacts")):
                for name in as_list(out):
                    text = text_or_none(name)
                    if text:
                        names.add(text)
    return sorted(names)


def artifact_names(art: Mapping[str, Any], keys: Sequence[str]) -> list[str]:
    """The names a build gives its output artifact (name, path, identifier), sorted."""
    return sorted({t for t in (text_or_none(clean(art.get(k))) for k in keys) if t})
