"""Privacy: where personal data flows at inference time and how long it is kept.

* ``payload_logging``: logging / print calls in serving code that reveal request
  payloads (``privacy_serving``);
* ``data_capture``: SageMaker endpoint configurations (Terraform
  ``aws_sagemaker_endpoint_configuration.data_capture_config``) and SageMaker Python SDK
  ``DataCaptureConfig(...)`` calls: capture modes, KMS key, destination bucket;
* ``request_loggers``: KServe ``InferenceService`` (``spec.<component>.logger``) and
  Seldon ``SeldonDeployment`` (``graph.logger`` / ``logger``) payload loggers, and
  MLServer's Kafka forwarding (``MLSERVER_KAFKA_ENABLED`` in env files, Dockerfiles,
  compose / k8s YAML, or ``"kafka_enabled": true`` in ``settings.json``). MLServer is the
  server behind ``mlflow models serve --enable-mlserver``; ``mlflow models serve`` itself
  has no payload-logging option;
* ``buckets`` and the Terraform ``data_capture`` entries are added by the link stage
  (``privacy/links.py``) from the IaC facts and the asset graph;
* ``models``: model inputs with their name tokens, from MLmodel signatures, from the
  feature columns of training code and from serving request schemas (``features.py``),
  with the names that describe the model, its asset and impact (which inputs are
  protected attributes and which models decide about people is policy:
  ``rego/lib/privacy.rego``).

Facts go under ``privacy``; docs/facts.md documents every field.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import PurePosixPath
from typing import Any

from mlscan.collectors.artifacts.discovery import matches_any
from mlscan.collectors.base import (
    CollectContext,
    CollectorOutput,
    file_failed,
    line_loc,
    notification,
)
from mlscan.collectors.datasets.pii import column_category, tokens
from mlscan.collectors.privacy.features import (
    invocations,
    is_invocation_file,
    is_schema_candidate,
    is_training_candidate,
    model_names,
    schema_models,
    training_models,
)
from mlscan.collectors.privacy.serving import analyse, is_serving_candidate
from mlscan.collectors.supply_chain.collector import is_test_path
from mlscan.config import Config
from mlscan.errors import FileReadError
from mlscan.models import Notification
from mlscan.parse_cache import ParseCache
from mlscan.sourcemap import Node, SourceError
from mlscan.workspace import Workspace

SOURCE = "privacy"
_S3_URI = re.compile(r"^s3://([^/$]+)")


class PrivacyCollector:
    family = "privacy"

    def applies(self, ws: Workspace) -> bool:
        return any(
            f.suffix in (".py", ".tf", ".yaml", ".yml") or f.name in ("MLmodel", "config")
            for f in ws.candidates()
        )

    def collect(self, ws: Workspace, ctx: CollectContext) -> CollectorOutput:
        notes: list[Notification] = []
        parsed: list[str] = []
        logging_facts: list[dict[str, Any]] = []
        persistence: list[dict[str, Any]] = []
        captures: list[dict[str, Any]] = []
        loggers: list[dict[str, Any]] = []
        models: list[dict[str, Any]] = []
        runs: dict[str, list[list[str]]] | None = None  # built once, on the first training file
        cache = ctx.parsed
        for f in ws.candidates():
            try:
                if f.suffix == ".py":
                    text = cache.text(f.path)
                    training = (
                        text is not None
                        and is_training_candidate(text)
                        and not is_test_path(f.path)
                    )
                    wanted = text is not None and (
                        "DataCaptureConfig" in text
                        or is_serving_candidate(f.path, text)
                        or is_schema_candidate(text)
                        or training
                    )
                    tree = cache.python_ast(f.path) if wanted else None
                    if text is None or tree is None:
                        continue  # not needed, or rejected: noted once by the parse cache
                    if "DataCaptureConfig" in text:
                        captures.extend(_sdk_capture(f.path, tree))
                    if training:
                        if runs is None:
                            runs = invocations(_invocation_texts(ws, cache))
                        found_t = training_models(
                            f.path, tree, runs, ws.exists, lambda p: _header(cache, p), feature
                        )
                        if found_t:
                            parsed.append(f.path)
                            models.extend(_with_asset(m, ctx.config) for m in found_t)
                    module = (
                        analyse(f.path, text, tree) if is_serving_candidate(f.path, text) else None
                    )
                    if is_schema_candidate(text):
                        found_s = schema_models(f.path, tree, module, feature)
                        if found_s:
                            parsed.append(f.path)
                            models.extend(_with_asset(m, ctx.config) for m in found_s)
                    if module is not None:
                        parsed.append(f.path)
                        names = model_names(f.path, tree)
                        for h in module.handlers:
                            persistence += [
                                _sink_fact(f.path, module.serves_model, h, names, p)
                                for p in h.persistence
                            ]
                            logging_facts += [
                                _sink_fact(f.path, module.serves_model, h, names, p)
                                for p in h.payload_logging
                            ]
                elif _mlserver_candidate(f.path):
                    if f.suffix in (".yaml", ".yml") and cache.over_limit("yaml", f.path):
                        continue  # noted once by the parse cache; never read
                    text = cache.text(f.path)
                    if text is None:
                        continue
                    if f.suffix in (".yaml", ".yml") and (
                        "kafka" in text.lower() or "logger" in text
                    ) and cache.yaml(f.path) is None:
                        continue  # a YAML file mlscan rejected gives no fact from any reading
                    found_ms = _mlserver_kafka(f.path, text)
                    if found_ms:
                        parsed.append(f.path)
                        loggers.extend(found_ms)
                    if f.suffix not in (".yaml", ".yml"):
                        continue
                    if "logger" in text and ("kserve" in text or "seldon" in text):
                        found = _k8s_loggers(f.path, cache)
                        if found:
                            parsed.append(f.path)
                            loggers.extend(found)
                elif f.name == "MLmodel":
                    model = _mlmodel(cache, f.path, ctx.config)
                    if model is not None:
                        parsed.append(f.path)
                        models.append(model)
            except FileReadError as exc:
                notes.append(notification(f.path, exc.reason, SOURCE, kind=exc.kind))
            except SourceError as exc:
                notes.append(notification(f.path, str(exc), SOURCE, line=exc.line))
            except Exception as exc:  # one bad file must not cost the others
                notes.append(file_failed(f.path, SOURCE, exc))
        key = lambda d: (d["loc"]["path"], d["loc"]["line"] or 0, json.dumps(d, sort_keys=True))  # noqa: E731
        return CollectorOutput(
            facts={
                "payload_logging": sorted(logging_facts, key=key),
                "request_persistence": sorted(persistence, key=key),
                "data_capture": sorted(captures, key=key),
                "request_loggers": sorted(loggers, key=key),
                "models": sorted(models, key=key),
            },
            notifications=tuple(sorted(notes)),
            files=tuple(sorted(set(parsed))),
        )


def _invocation_texts(ws: Workspace, cache: ParseCache) -> list[tuple[str, str]]:
    out = []
    for f in ws.candidates():
        if is_invocation_file(f.path) and "python" in (text := cache.text(f.path) or ""):
            out.append((f.path, text))
    return out


def _header(cache: ParseCache, rel: str) -> list[str] | None:
    try:
        return cache.csv_header(rel)
    except (FileReadError, SourceError):
        return None  # an unreadable dataset gives no columns; its own collector notes it


def _with_asset(model: dict[str, Any], config: Config) -> dict[str, Any]:
    for rule in config.assets:
        if matches_any(model["path"], rule.match):
            return {**model, "asset": rule.name, "impact": rule.impact}
    return model


def _bucket_of(uri: str) -> str | None:
    m = _S3_URI.match(uri)
    return m.group(1) if m else None


# -------------------------------------------------------------- SageMaker SDK
def _sdk_capture(rel: str, tree: ast.Module) -> list[dict[str, Any]]:
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = (
            node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        )
        if name != "DataCaptureConfig":
            continue
        kw = {k.arg: k.value for k in node.keywords if k.arg}
        enabled = kw.get("enable_capture")
        options = kw.get("capture_options")
        modes = ["Input", "Output"]  # the SDK default is REQUEST and RESPONSE
        if isinstance(options, ast.List):
            modes = sorted(
                {
                    "Input"
                    if "REQ" in str(e.value).upper() or "INPUT" in str(e.value).upper()
                    else "Output"
                    for e in options.elts
                    if isinstance(e, ast.Constant)
                }
            )
        dest = kw.get("destination_s3_uri")
        dest_s = (
            dest.value if isinstance(dest, ast.Constant) and isinstance(dest.value, str) else ""
        )
        out.append(
            {
                "kind": "sagemaker-sdk",
                "resource": f"DataCaptureConfig@{rel}:{node.lineno}",
                "enabled": not (isinstance(enabled, ast.Constant) and enabled.value is False),
                "capture_modes": modes,
                "kms_key": "kms_key_id" in kw,
                "sampling_percentage": getattr(kw.get("sampling_percentage"), "value", None),
                "destination": dest_s,
                "destination_bucket": _bucket_of(dest_s),
                "loc": line_loc(rel, node.lineno, node.col_offset + 1),
            }
        )
    return out


# --------------------------------------------------------------- k8s loggers
def _k8s_loggers(rel: str, cache: ParseCache) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for doc in cache.yaml(rel) or ():  # a rejected file is noted once, by the parse cache
        if doc.kind != "map":
            continue
        api = str(doc.value.get("apiVersion", ""))
        kind = str(doc.value.get("kind", ""))
        meta = doc.value.get("metadata") or {}
        name = meta.get("name", "") if isinstance(meta, dict) else ""
        spec = doc.get("spec")
        if spec is None or spec.kind != "map":
            continue
        found: list[tuple[str, Node]] = []
        if api.startswith("serving.kserve.io") and kind == "InferenceService":
            for comp in ("predictor", "transformer", "explainer"):
                c = spec.get(comp)
                lg = c.get("logger") if c is not None and c.kind == "map" else None
                if lg is not None:
                    found.append((comp, lg))
            platform = "kserve"
        elif api.startswith("machinelearning.seldon.io") or api.startswith("mlops.seldon.io"):
            platform = "seldon"
            for node in spec.walk():
                if node.kind == "map":
                    lg = node.get("logger")
                    if lg is not None:
                        found.append(("graph", lg))
        else:
            continue
        for component, lg in found:
            mode = lg.value.get("mode", "all") if isinstance(lg.value, dict) else "all"
            span = lg.key_span or lg.span
            out.append(
                {
                    "platform": platform,
                    "kind": kind,
                    "name": name,
                    "component": component,
                    "mode": str(mode).lower(),
                    "url": lg.value.get("url") if isinstance(lg.value, dict) else None,
                    "loc": span.loc(rel),
                }
            )
    return out


# ------------------------------------------------------------------ MLServer
_KAFKA_INLINE = re.compile(r"MLSERVER_KAFKA_ENABLED[\"']?\s*[=:]\s*[\"']?(true|1|yes)\b", re.I)
_KAFKA_NAME = re.compile(r"name:\s*[\"']?MLSERVER_KAFKA_ENABLED[\"']?\s*$")
_KAFKA_VALUE = re.compile(r"^\s*value:\s*[\"']?(true|1|yes)\b", re.I)
_KAFKA_JSON = re.compile(r"\"kafka_enabled\"\s*:\s*true\b")


def _mlserver_candidate(path: str) -> bool:
    name = PurePosixPath(path).name
    return (
        PurePosixPath(path).suffix in (".yaml", ".yml", ".env")
        or name.startswith("Dockerfile")
        or name in (".env", "settings.json")
    )


def _mlserver_kafka(rel: str, text: str) -> list[dict[str, Any]]:
    """MLServer (``mlflow models serve --enable-mlserver``, Seldon) forwards every
    inference request and response to Kafka when ``kafka_enabled`` is on."""
    if "MLSERVER_KAFKA_ENABLED" not in text and "kafka_enabled" not in text:
        return []
    lines = text.splitlines()
    out: list[dict[str, Any]] = []
    for i, line in enumerate(lines):
        hit = bool(_KAFKA_INLINE.search(line)) or (
            PurePosixPath(rel).name == "settings.json" and bool(_KAFKA_JSON.search(line))
        )
        if not hit and _KAFKA_NAME.search(line):
            nxt = next((x for x in lines[i + 1 : i + 3] if x.strip()), "")
            hit = bool(_KAFKA_VALUE.match(nxt))
        if hit:
            col = len(line) - len(line.lstrip()) + 1
            out.append(
                {
                    "platform": "mlserver",
                    "kind": "kafka",
                    "name": PurePosixPath(rel).name,
                    "component": "server",
                    "mode": "all",
                    "url": "Kafka (kafka_topic_input / kafka_topic_output)",
                    "loc": line_loc(rel, i + 1, col, len(line) + 1),
                }
            )
    return out


# ----------------------------------------------------------------- MLmodels
def feature(name: str) -> dict[str, Any]:
    """A model input or payload field: its name, its lower-case tokens (which of them
    name a protected attribute is policy: ``rego/lib/privacy.rego``) and the personal-data
    category of the name by the dataset column detector (``datasets/pii.py``), if any."""
    return {"name": name, "tokens": list(tokens(name)), "personal": column_category(name)}


def _mlmodel(cache: ParseCache, rel: str, config: Config) -> dict[str, Any] | None:
    docs = cache.yaml(rel)  # a rejected file is noted once, by the parse cache
    if not docs or docs[0].kind != "map":
        return None
    sig = docs[0].get("signature")
    inputs_node = sig.get("inputs") if sig is not None and sig.kind == "map" else None
    if inputs_node is None or not isinstance(inputs_node.value, str):
        return None
    try:
        specs = json.loads(inputs_node.value)
    except (ValueError, RecursionError):  # not JSON, too deep, a number out of range
        return None
    if not isinstance(specs, list):
        return None
    names = [s["name"] for s in specs if isinstance(s, dict) and isinstance(s.get("name"), str)]
    model_dir = str(PurePosixPath(rel).parent)
    impact, asset = None, None
    for rule in config.assets:
        if matches_any(rel, rule.match) or matches_any(model_dir, rule.match):
            impact, asset = rule.impact, rule.name
            break
    span = inputs_node.key_span or inputs_node.span
    return {
        "path": model_dir,
        "inputs": names,
        "source": "mlmodel",
        "names": [model_dir],
        "features": [feature(n) for n in names],
        "asset": asset,
        "impact": impact,
        "loc": span.loc(rel),
    }


def _sink_fact(
    path: str, serves_model: bool, h: Any, names: list[str], p: dict[str, Any]
) -> dict[str, Any]:
    """One place a handler writes its request payload (a log call or a store)."""
    return {
        "path": path,
        "function": h.function,
        "framework": h.framework,
        "serves_model": serves_model,
        "fields": [feature(n) for n in h.fields],
        "names": [*names, h.function, *h.schemas],
        "sink": p["sink"],
        "argument": p["argument"],
        "loc": {
            "path": path,
            "line": p["line"],
            "col": p["col"],
            "end_line": p["end_line"],
            "end_col": p["end_col"],
        },
    }
