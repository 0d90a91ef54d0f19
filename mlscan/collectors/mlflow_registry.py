"""The ``mlflow_registry`` family: the model registry as it runs, over the REST API.

Only active when the user asks for it (``--mlflow-uri``): it is the one collector that
talks to the network. It enumerates registered models and versions (aliases, stages,
tags, sources), fetches each version's ``MLmodel`` and any signature files, never the
weights (downloading and verifying registry weights is not implemented yet).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from mlscan.collectors.base import CollectContext, CollectorOutput, notification
from mlscan.collectors.mlflow_cmd import looks_secret_name, redact_uri
from mlscan.mlflow_rest import Credentials, MlflowRest
from mlscan.models import Notification
from mlscan.sourcemap import SourceError, parse_yaml_documents
from mlscan.workspace import Workspace

SOURCE = "mlflow-registry"
SIGNATURE_SUFFIXES = (".sig", ".sigstore.json", ".sigstore")
MAX_SIGNATURE_BYTES = 4 * 1024 * 1024


def logical(name: str, version: str | None = None) -> str:
    return f"models:/{name}" if version is None else f"models:/{name}/{version}"


class MlflowRegistryCollector:
    family = "mlflow_registry"
    option = "mlflow_uri"  # collected only when this option is set

    def applies(self, ws: Workspace) -> bool:
        return True

    def collect(self, ws: Workspace, ctx: CollectContext) -> CollectorOutput:
        uri = ctx.options.get("mlflow_uri")
        if not uri:
            return CollectorOutput(facts={})
        client = MlflowRest(
            str(uri),
            Credentials.from_env(),
            timeout=float(ctx.options.get("mlflow_timeout") or 10.0),
        )
        notes: list[Notification] = []
        models: list[dict[str, Any]] = []
        versions: list[dict[str, Any]] = []
        for m in client.registered_models():
            name = m["name"]
            aliases = sorted(
                (
                    {"alias": str(a.get("alias")), "version": str(a.get("version"))}
                    for a in m.get("aliases") or []
                    if isinstance(a, dict)
                ),
                key=lambda a: a["alias"],
            )
            models.append(
                {
                    "name": name,
                    "logical_location": logical(name),
                    "aliases": aliases,
                    "tags": _tags(m.get("tags")),
                    "loc": {
                        "path": logical(name),
                        "line": None,
                        "col": None,
                        "end_line": None,
                        "end_col": None,
                    },
                }
            )
            by_version: dict[str, list[str]] = {}
            for a in aliases:
                by_version.setdefault(a["version"], []).append(a["alias"])
            for v in client.model_versions(name):
                versions.append(_version_fact(client, name, v, by_version, notes))
        versions.sort(key=lambda v: (v["name"], int(v["version"]) if v["version"].isdigit() else 0))
        facts = {
            "server": {"uri": client.shown, "auth": client.credentials.kind},
            "models": sorted(models, key=lambda m: m["name"]),
            "versions": versions,
        }
        return CollectorOutput(facts=facts, notifications=tuple(notes))


def _tags(raw: Any) -> list[dict[str, str | None]]:
    out: list[dict[str, str | None]] = []
    for t in raw or []:
        if isinstance(t, dict) and isinstance(t.get("key"), str):
            key = t["key"]
            value = t.get("value")
            out.append({"key": key, "value": None if looks_secret_name(key) else str(value)})
    return sorted(out, key=lambda t: str(t["key"]))


def _version_fact(
    client: MlflowRest,
    name: str,
    v: dict[str, Any],
    aliases: dict[str, list[str]],
    notes: list[Notification],
) -> dict[str, Any]:
    version = str(v.get("version"))
    where = logical(name, version)
    files = client.list_version_files(v)
    signature_files = sorted(
        f["path"] for f in files or [] if str(f["path"]).endswith(SIGNATURE_SUFFIXES)
    )
    mlmodel: dict[str, Any] | None = None
    raw = client.version_artifact(name, version, "MLmodel")
    if raw is None:
        notes.append(notification(where, "model version has no MLmodel file", SOURCE, "missing"))
    else:
        try:
            mlmodel = _mlmodel_summary(raw.decode("utf-8"))
        except (SourceError, UnicodeDecodeError) as exc:
            notes.append(notification(where, f"MLmodel cannot be parsed: {exc}", SOURCE))
    signatures: list[dict[str, Any]] = []
    for path in signature_files:
        data = client.version_artifact(name, version, path, limit=MAX_SIGNATURE_BYTES)
        signatures.append({"path": path, "size": len(data) if data is not None else None})
    return {
        "name": name,
        "version": version,
        "logical_location": where,
        "stage": v.get("current_stage"),
        "status": v.get("status"),
        "aliases": sorted(aliases.get(version, [])),
        "source": redact_uri(str(v.get("source") or "")),
        "run_id": v.get("run_id"),
        "tags": _tags(v.get("tags")),
        "files": sorted(files or [], key=lambda f: str(f["path"])),
        "files_listed": files is not None,
        "signature_files": signature_files,
        "signatures": signatures,
        "mlmodel": mlmodel,
        "loc": {"path": where, "line": None, "col": None, "end_line": None, "end_col": None},
    }


def _mlmodel_summary(text: str) -> dict[str, Any]:
    docs = parse_yaml_documents(text)
    doc = docs[0].value if docs and isinstance(docs[0].value, dict) else {}
    raw_flavors = doc.get("flavors")
    flavors: dict[str, Any] = raw_flavors if isinstance(raw_flavors, dict) else {}
    formats: list[str] = []
    pickled: list[str] = []
    python_model = False
    loader = None
    for fname, flavor in sorted(flavors.items()):
        if not isinstance(flavor, dict):
            continue
        if isinstance(flavor.get("serialization_format"), str):
            formats.append(flavor["serialization_format"])
        if isinstance(flavor.get("pickled_model"), str):
            pickled.append(flavor["pickled_model"])
        if fname == "python_function":
            loader = flavor.get("loader_module")
            python_model = bool(flavor.get("python_model"))
    raw_sig = doc.get("signature")
    sig: dict[str, Any] = raw_sig if isinstance(raw_sig, dict) else {}
    return {
        "flavors": sorted(str(f) for f in flavors),
        "loader_module": loader,
        "serialization_formats": sorted(set(formats)),
        "pickled_model_files": sorted(PurePosixPath(p).name for p in pickled),
        "python_model": python_model,
        "signature_inputs": bool(sig.get("inputs")),
        "mlflow_version": doc.get("mlflow_version"),
    }
