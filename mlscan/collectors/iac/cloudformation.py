"""Facts from CloudFormation templates parsed by checkov.

checkov's CloudFormation parser resolves the YAML short forms (``!Ref``, ``!Sub``,
``!GetAtt``) into ``Ref`` / ``Fn::*`` objects and marks every mapping with
``__startline__``; statements take their line from there, resources from their logical
id's line in the template text. Intrinsic functions stay opaque strings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mlscan.collectors.iac.bucket_policies import as_list, normalise_statement, opaque
from mlscan.collectors.iac.model import (
    IacModel,
    add_bucket_policy,
    anchored,
    artifact_names,
    clean,
    empty_bucket,
    loc,
    managed_policy,
    string_tags,
    text_or_none,
    truthy,
)


def _cfn_line(lines: list[str], logical_id: str) -> int | None:
    pattern = re.compile(r"^\s*[\"']?" + re.escape(logical_id) + r"[\"']?\s*:")
    in_resources = False
    for i, text in enumerate(lines, start=1):
        if re.match(r"^\s*[\"']?Resources[\"']?\s*:", text):
            in_resources = True
            continue
        if in_resources and pattern.match(text):
            return i
    return None


def _cfn_statements(
    path: str, doc: Any, fallback_line: int | None, block_loc: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    if not isinstance(doc, Mapping) or "Statement" not in doc:
        return []
    raw = doc["Statement"]
    out = []
    for st in raw if isinstance(raw, list) else [raw]:
        if isinstance(st, Mapping):
            line = st.get("__startline__")
            here = loc(path, line if isinstance(line, int) else fallback_line)
            out.append(anchored(normalise_statement(clean(st)), here, block_loc or here))
    return out


def _cfn_ref(value: Any) -> str | None:
    if isinstance(value, Mapping):
        if "Ref" in value:
            return opaque(value["Ref"])
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            if isinstance(target, list) and target:
                return opaque(target[0])
            if isinstance(target, str):
                return target.split(".")[0]
    return None


def cfn_exports(
    templates: Mapping[str, Any], outputs_of: Mapping[str, Any]
) -> dict[str, dict[str, dict[str, str]]]:
    """Buckets other templates can import, per folder: ``{folder: {export name:
    {"name": bucket name or address, "address": ...}}}`` from ``Outputs`` (read by the parse
    cache: checkov keeps only ``Resources``) whose ``Value`` is a ``Ref`` / ``GetAtt`` of an
    ``AWS::S3::Bucket`` and whose ``Export.Name`` is a string."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    for path, template in sorted(templates.items()):
        if not isinstance(template, Mapping):
            continue
        resources = template.get("Resources")
        outputs = outputs_of.get(path)
        if not isinstance(resources, Mapping) or not isinstance(outputs, Mapping):
            continue
        folder = path.rsplit("/", 1)[0] if "/" in path else ""
        for key, output in outputs.items():
            if not isinstance(output, Mapping) or str(key).startswith("__"):
                continue
            export = output.get("Export")
            name = export.get("Name") if isinstance(export, Mapping) else None
            value = output.get("Value")
            # YAML short forms arrive without their tag: "!Ref X" as "X", "!GetAtt X.Arn"
            lid = _cfn_ref(value) or (value.split(".")[0] if isinstance(value, str) else None)
            body = resources.get(lid) if lid else None
            if not isinstance(name, str) or not isinstance(body, Mapping):
                continue
            if body.get("Type") != "AWS::S3::Bucket":
                continue
            props = body.get("Properties")
            bucket = props.get("BucketName") if isinstance(props, Mapping) else None
            address = f"AWS::S3::Bucket.{lid}"
            out.setdefault(folder, {})[name] = {
                "name": bucket if isinstance(bucket, str) else address,
                "address": address,
            }
    return out


def _parameter_default(template: Mapping[str, Any], value: Any) -> str | None:
    """The ``Default`` of a template parameter that ``value`` (``{"Ref": P}``) names."""
    ref = value.get("Ref") if isinstance(value, Mapping) else None
    params = template.get("Parameters")
    if not isinstance(ref, str) or not isinstance(params, Mapping):
        return None
    param = params.get(ref)
    default = param.get("Default") if isinstance(param, Mapping) else None
    return default if isinstance(default, str) else None


def add_cloudformation(
    model: IacModel,
    path: str,
    template: Mapping[str, Any],
    text: str,
    imports: Mapping[str, Mapping[str, str]] | None = None,
) -> None:
    """Facts of one template. ``imports`` holds the buckets other templates of the same
    folder (the stack set) export, so that a ``BucketPolicy`` that imports its bucket
    (``Fn::ImportValue``) attaches to it."""
    imports = imports or {}
    lines = text.split("\n")
    resources = template.get("Resources")
    if not isinstance(resources, Mapping):
        return
    items = [
        (str(k), v)
        for k, v in resources.items()
        if isinstance(v, Mapping) and not str(k).startswith("__")
    ]

    def rloc(logical_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        props = body.get("Properties")
        end = props.get("__endline__") if isinstance(props, Mapping) else None
        return loc(path, _cfn_line(lines, logical_id), end if isinstance(end, int) else None)

    buckets: dict[str, dict[str, Any]] = {}
    for lid, body in items:
        rtype = str(body.get("Type", ""))
        props = body.get("Properties") if isinstance(body.get("Properties"), Mapping) else {}
        assert isinstance(props, Mapping)
        address = f"{rtype}.{lid}"
        if rtype == "AWS::S3::Bucket":
            name = props.get("BucketName")
            b = empty_bucket(
                path=path,
                address=address,
                name=opaque(clean(name)) if name is not None else None,
                provider="aws",
                source="cloudformation",
                loc_=rloc(lid, body),
                tags=string_tags(clean(props.get("Tags"))),
            )
            ver = props.get("VersioningConfiguration")
            if isinstance(ver, Mapping):
                b["versioning"] = opaque(ver.get("Status"))
                b["versioning_enabled"] = b["versioning"] == "Enabled"
            b["object_lock"] = truthy(props.get("ObjectLockEnabled")) is True
            enc = props.get("BucketEncryption")
            if isinstance(enc, Mapping):
                for rule in as_list(enc.get("ServerSideEncryptionConfiguration")):
                    default = (
                        rule.get("ServerSideEncryptionByDefault")
                        if isinstance(rule, Mapping)
                        else None
                    )
                    if isinstance(default, Mapping):
                        if default.get("SSEAlgorithm") is not None:
                            b["sse_algorithm"] = opaque(clean(default.get("SSEAlgorithm")))
                        if default.get("KMSMasterKeyID") is not None:
                            b["kms_key_set"] = True
            b["logging"] = isinstance(props.get("LoggingConfiguration"), Mapping)
            pab = props.get("PublicAccessBlockConfiguration")
            if isinstance(pab, Mapping):
                b["public_access_block"] = {
                    snake: truthy(pab.get(camel)) is True
                    for snake, camel in (
                        ("block_public_acls", "BlockPublicAcls"),
                        ("block_public_policy", "BlockPublicPolicy"),
                        ("ignore_public_acls", "IgnorePublicAcls"),
                        ("restrict_public_buckets", "RestrictPublicBuckets"),
                    )
                }
            acl = props.get("AccessControl")
            b["acl"] = _cfn_acl(opaque(acl)) if acl is not None else None
            buckets[lid] = b
    model.buckets.extend(buckets.values())
    model.addresses.update((path, b["address"]) for b in buckets.values())
    roles: dict[str, dict[str, Any]] = {}
    for lid, body in items:
        rtype = str(body.get("Type", ""))
        raw_props = body.get("Properties")
        props = raw_props if isinstance(raw_props, Mapping) else {}
        address = f"{rtype}.{lid}"
        here = rloc(lid, body)
        if rtype == "AWS::S3::BucketPolicy":
            raw_bucket = props.get("Bucket")
            ref = _cfn_ref(raw_bucket)
            target = buckets.get(ref) if ref else None
            imported = (
                imports.get(str(raw_bucket.get("Fn::ImportValue")))
                if isinstance(raw_bucket, Mapping)
                else None
            )
            if target is None and imported is not None:
                target = {"name": imported["name"], "address": imported["address"]}
            default = _parameter_default(template, raw_bucket)
            bucket = (
                (target["name"] or target["address"])
                if target
                else default
                if default is not None
                else (opaque(clean(raw_bucket)) if raw_bucket is not None else None)
            )
            add_bucket_policy(
                model,
                source="cloudformation",
                path=path,
                address=address,
                loc_=here,
                bucket=bucket,
                bucket_address=target["address"] if target else None,
                statements=_cfn_statements(path, props.get("PolicyDocument"), here["line"], here),
                bucket_names={},
            )
        elif rtype == "AWS::IAM::Role":
            trust = _cfn_statements(path, props.get("AssumeRolePolicyDocument"), here["line"], here)
            roles[lid] = {
                "address": address,
                "name": text_or_none(clean(props.get("RoleName"))),
                "source": "cloudformation",
                "trusted_services": sorted(
                    {s for st in trust for s in st["principals"]["service"]}
                ),
                "used_by": [],
                "loc": here,
            }
            for arn in sorted({opaque(clean(a)) for a in as_list(props.get("ManagedPolicyArns"))}):
                model.iam_managed_policies.append(managed_policy(path, address, arn, address, here))
            for idx, pol in enumerate(as_list(props.get("Policies"))):
                if isinstance(pol, Mapping):
                    for sidx, st in enumerate(
                        _cfn_statements(path, pol.get("PolicyDocument"), here["line"], here)
                    ):
                        model.iam_statements.append(
                            {
                                **st,
                                "policy": f"{address}.Policies[{idx}]",
                                "policy_name": text_or_none(clean(pol.get("PolicyName"))),
                                "index": sidx,
                                "roles": [address],
                                "source": "cloudformation",
                            }
                        )
        elif rtype in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            attached = sorted(
                {
                    f"AWS::IAM::Role.{r}"
                    for r in (_cfn_ref(x) for x in as_list(props.get("Roles")))
                    if r
                }
            )
            for sidx, st in enumerate(
                _cfn_statements(path, props.get("PolicyDocument"), here["line"], here)
            ):
                model.iam_statements.append(
                    {
                        **st,
                        "policy": address,
                        "policy_name": text_or_none(
                            clean(props.get("PolicyName") or props.get("ManagedPolicyName"))
                        ),
                        "index": sidx,
                        "roles": attached,
                        "source": "cloudformation",
                    }
                )
        elif rtype == "AWS::SageMaker::NotebookInstance":
            root = text_or_none(clean(props.get("RootAccess")))
            internet = text_or_none(clean(props.get("DirectInternetAccess")))
            model.notebooks.append(
                {
                    "address": address,
                    "name": text_or_none(clean(props.get("NotebookInstanceName"))),
                    "source": "cloudformation",
                    "root_access": root,
                    "root_access_effective": root or "Enabled",
                    "direct_internet_access": internet,
                    "direct_internet_access_effective": internet or "Enabled",
                    "kms_key_set": props.get("KmsKeyId") is not None,
                    "subnet_set": props.get("SubnetId") is not None,
                    "role": _cfn_role(props.get("RoleArn")),
                    "loc": here,
                }
            )
        elif rtype == "AWS::SageMaker::EndpointConfig":
            capture = props.get("DataCaptureConfig")
            model.endpoint_configs.append(
                {
                    "address": address,
                    "name": text_or_none(clean(props.get("EndpointConfigName"))),
                    "source": "cloudformation",
                    "kms_key_set": props.get("KmsKeyId") is not None,
                    "data_capture": None
                    if not isinstance(capture, Mapping)
                    else {
                        "enabled": truthy(capture.get("EnableCapture")) is not False,
                        "kms_key_set": capture.get("KmsKeyId") is not None,
                        "destination": text_or_none(clean(capture.get("DestinationS3Uri"))),
                    },
                    "loc": here,
                }
            )
        elif rtype == "AWS::SageMaker::Model":
            container = props.get("PrimaryContainer")
            container = container if isinstance(container, Mapping) else {}
            model.models.append(
                {
                    "address": address,
                    "name": text_or_none(clean(props.get("ModelName"))),
                    "source": "cloudformation",
                    "network_isolation": truthy(props.get("EnableNetworkIsolation")) is True,
                    "vpc_config_set": isinstance(props.get("VpcConfig"), Mapping),
                    "image": text_or_none(clean(container.get("Image"))),
                    "model_data_url": text_or_none(clean(container.get("ModelDataUrl"))),
                    "role": _cfn_role(props.get("ExecutionRoleArn")),
                    "loc": here,
                }
            )
        elif rtype == "AWS::CodePipeline::Pipeline":
            outputs = _cfn_pipeline_outputs(props)
            for location in _cfn_store_locations(props):
                ref = _cfn_ref(location)
                target = buckets.get(ref) if ref else None
                store_bucket = (
                    (target["name"] or target["address"])
                    if target
                    else text_or_none(clean(location))
                )
                model.ci_artifact_stores.append(
                    {
                        "address": address,
                        "bucket": store_bucket,
                        "source": "cloudformation",
                        "output_artifacts": outputs,
                        "role": _cfn_role(props.get("RoleArn")),
                        "loc": here,
                    }
                )
        elif rtype == "AWS::CodeBuild::Project":
            for art in (props.get("Artifacts"), *as_list(props.get("SecondaryArtifacts"))):
                if not isinstance(art, Mapping) or str(clean(art.get("Type"))).upper() != "S3":
                    continue
                location = art.get("Location")
                ref = _cfn_ref(location)
                target = buckets.get(ref) if ref else None
                store_bucket = (
                    (target["name"] or target["address"])
                    if target
                    else text_or_none(clean(location))
                )
                if store_bucket is None:
                    continue
                model.ci_artifact_stores.append(
                    {
                        "address": address,
                        "bucket": store_bucket,
                        "source": "cloudformation",
                        "output_artifacts": artifact_names(
                            art, ("Name", "Path", "ArtifactIdentifier")
                        ),
                        "role": _cfn_role(props.get("ServiceRole")),
                        "loc": here,
                    }
                )
        elif rtype == "AWS::SageMaker::Domain":
            model.domains.append(
                {
                    "address": address,
                    "name": text_or_none(clean(props.get("DomainName"))),
                    "source": "cloudformation",
                    "kms_key_set": props.get("KmsKeyId") is not None,
                    "app_network_access_type": text_or_none(
                        clean(props.get("AppNetworkAccessType"))
                    )
                    or "PublicInternetOnly",
                    "role": None,
                    "loc": here,
                }
            )
        else:
            continue
        model.addresses.add((path, address))
    model.iam_roles.extend(roles.values())
    model.addresses.update((path, r["address"]) for r in roles.values())


def _cfn_role(value: Any) -> str | None:
    ref = _cfn_ref(value)
    if ref:
        return f"AWS::IAM::Role.{ref}"
    return opaque(clean(value)) if value is not None else None


def _cfn_acl(value: str) -> str:
    """CloudFormation AccessControl (PublicRead) -> canned ACL name (public-read)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", value).lower()


def _cfn_store_locations(props: Mapping[str, Any]) -> list[Any]:
    """``ArtifactStore.Location``, and each ``ArtifactStores[].ArtifactStore.Location`` of a
    cross-region pipeline."""
    stores = [props.get("ArtifactStore")]
    for regional in as_list(props.get("ArtifactStores")):
        if isinstance(regional, Mapping):
            stores.append(regional.get("ArtifactStore"))
    return [
        s.get("Location") for s in stores if isinstance(s, Mapping) and s.get("Location")
    ]


def _cfn_pipeline_outputs(props: Mapping[str, Any]) -> list[str]:
    """The names of the artifacts a pipeline's actions output, sorted."""
    names: set[str] = set()
    for stage in as_list(props.get("Stages")):
        actions = stage.get("Actions") if isinstance(stage, Mapping) else None
        for action in as_list(actions):
            outputs = action.get("OutputArtifacts") if isinstance(action, Mapping) else None
            for out in as_list(outputs):
                name = text_or_none(clean(out.get("Name"))) if isinstance(out, Mapping) else None
                if name:
                    names.add(name)
    return sorted(names)
