"""Privacy facts built in the link stage from the IaC and asset facts.

* ``privacy.data_capture``: the SageMaker SDK captures the privacy collector found, plus
  every Terraform / CloudFormation endpoint configuration's ``data_capture_config`` (from
  ``iac.sagemaker_endpoint_configs``);
* ``privacy.buckets``: every IaC S3 bucket with its lifecycle rules (inline or in an
  ``aws_s3_bucket_lifecycle_configuration`` of any file of the module) and what uses it
  for personal data, taken from the asset graph (``assets.buckets[].links``): a DVC
  remote (``dvc-remote``) or an inference-capture destination (``inference-capture``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def _items(facts: Mapping[str, Any], family: str, key: str) -> list[Mapping[str, Any]]:
    value = facts.get(family)
    items = value.get(key) if isinstance(value, Mapping) else None
    return [i for i in items if isinstance(i, Mapping)] if isinstance(items, list) else []


def _key(d: Mapping[str, Any]) -> tuple[str, int, str]:
    return (d["loc"]["path"], d["loc"]["line"] or 0, json.dumps(d, sort_keys=True))


def privacy_links(facts: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    captures = [dict(c) for c in _items(facts, "privacy", "data_capture")]
    for e in _items(facts, "iac", "sagemaker_endpoint_configs"):
        capture = e.get("data_capture")
        if not isinstance(capture, Mapping):
            continue
        dest = capture.get("destination") or ""
        captures.append(
            {
                "kind": f"sagemaker-{e['source']}",
                "resource": e["address"],
                "enabled": capture["enabled"],
                "capture_modes": capture.get("capture_modes", []),
                "kms_key": capture["kms_key_set"],
                "sampling_percentage": capture.get("sampling_percentage"),
                "destination": dest,
                "destination_bucket": capture.get("destination_bucket"),
                "loc": e["loc"],
            }
        )
    assets = {b["name"]: b for b in _items(facts, "assets", "buckets")}
    buckets = []
    for b in _items(facts, "iac", "buckets"):
        if b.get("provider") != "aws":
            continue
        entry = assets.get(str(b["name"] or b["address"])) or {}
        links = entry.get("links") or []
        dvc = sorted(lk["name"] for lk in links if lk["kind"] == "dvc-remote")
        roles = set()
        if dvc:
            roles.add("dvc-remote")
        if any(lk["kind"] == "data-capture" for lk in links):
            roles.add("inference-capture")
        buckets.append(
            {
                "resource": b["address"],
                "name": b["name"],
                "lifecycle_rules": b.get("lifecycle_rules", []),
                "roles": sorted(roles),
                "dvc_remote": dvc[0] if dvc else None,
                "loc": b["loc"],
            }
        )
    if not captures and not buckets and "privacy" not in facts:
        return {}  # nothing to add, and no privacy facts to complete
    return {
        "privacy": {
            "data_capture": sorted(captures, key=_key),
            "buckets": sorted(buckets, key=_key),
        }
    }
