"""Model endpoints on managed platforms, from Terraform (``ctx.parsed.hcl``) and deploy
commands in scripts, Makefiles and CI steps.

* Cloud Run services, public when ``roles/run.invoker`` is granted to ``allUsers`` /
  ``allAuthenticatedUsers`` (``google_cloud_run_*_iam_member|binding``) or deployed with
  ``gcloud run deploy ... --allow-unauthenticated``;
* Lambda function URLs with ``authorization_type = "NONE"``;
* (API Gateway methods and routes, and load balancers: ``gateways.py``, across modules);
* SageMaker endpoints and Vertex AI endpoints (IAM-authenticated, listed for the inventory).

Whether the service serves a model is evidence, recorded as such: a serving image, a
``MODEL_*`` / ``STORAGE_URI`` variable, a SageMaker integration, or a model-like name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from mlscan.collectors.base import line_loc
from mlscan.collectors.mlflow.cmd import split_shell
from mlscan.collectors.mlflow.deploy_iac import attr, blocks, terraform_resources

_MODEL_WORDS = re.compile(
    r"(?i)(model|inference|infer|predict|serving|scor(e|er|ing)|classif|llm|embedding|"
    r"recommend|detector|forecast)"
)
_SERVING_IMAGE = re.compile(
    r"(?i)(tensorflow/serving|tritonserver|torchserve|seldon|kserve|bentoml|vllm|"
    r"text-generation-inference|mlserver|inference|predict)"
)
_MODEL_ENV = frozenset(
    {"MODEL_URI", "MODEL_PATH", "MODEL_NAME", "MODEL_URL", "MLFLOW_MODEL_URI", "STORAGE_URI",
     "SAGEMAKER_ENDPOINT", "ENDPOINT_NAME"}
)  # fmt: skip
_PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")
_REF = re.compile(r"\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[a-z_]+\}")


def _line(body: dict[str, Any]) -> int | None:
    line = body.get("__start_line__")
    return int(line) if isinstance(line, int) else None


def _evidence(name: str, images: list[str], env: list[str]) -> list[str]:
    out = [f"image:{i}" for i in images if _SERVING_IMAGE.search(i)]
    out += [f"env:{e}" for e in dict.fromkeys(env) if _model_env(e)]
    if _MODEL_WORDS.search(name):
        out.append(f"name:{name}")
    return out


def _model_env(name: str) -> bool:
    """``MODEL_URI`` and friends, or any variable whose name has a MODEL(S) word."""
    upper = name.upper()
    return upper in _MODEL_ENV or bool({"MODEL", "MODELS"} & set(re.split(r"[^A-Z0-9]+", upper)))


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    stack = [value]
    while stack:
        node = stack.pop()
        for block in blocks(node):
            yield block
            stack.extend(v for k, v in block.items() if not k.startswith("__"))


def _images_env(body: dict[str, Any]) -> tuple[list[str], list[str]]:
    images: list[str] = []
    env: list[str] = []
    for block in _walk(body):
        for key in ("image", "image_uri"):
            image = attr(block, key)
            if isinstance(image, str):
                images.append(image)
        if "env" in block:
            for e in blocks(block["env"]):
                name = attr(e, "name")
                if isinstance(name, str):
                    env.append(name)
        variables = attr(block, "variables")
        if isinstance(variables, dict):
            env.extend(str(k) for k in variables)
    return images, env


def _ref_name(value: Any) -> str | None:
    """``${google_cloud_run_service.x.name}`` -> ``x``; a literal -> itself."""
    if not isinstance(value, str):
        return None
    m = _REF.search(value)
    return m.group(2) if m else value


def terraform_endpoints(path: str, doc: dict[str, Any]) -> list[dict[str, Any]]:
    resources = list(terraform_resources(doc))
    out: list[dict[str, Any]] = []
    by_type: dict[str, dict[str, dict[str, Any]]] = {}
    for rtype, name, body in resources:
        by_type.setdefault(rtype, {})[name] = body
    # Cloud Run: services and the invoker grants that make them public
    grants: dict[str, tuple[str, int | None]] = {}
    for rtype, name, body in resources:
        prefixes = ("google_cloud_run_service_iam", "google_cloud_run_v2_service_iam")
        if not rtype.startswith(prefixes):
            continue
        members = attr(body, "members") or attr(body, "member")
        members = members if isinstance(members, list) else [members]
        role = attr(body, "role")
        public = [m for m in members if isinstance(m, str) and m in _PUBLIC_MEMBERS]
        if public and role in ("roles/run.invoker", None):
            target = _ref_name(attr(body, "service") or attr(body, "name"))
            if target:
                grants[target] = (f"roles/run.invoker granted to {public[0]} ({rtype}.{name})",
                                  _line(body))  # fmt: skip
    for rtype in ("google_cloud_run_service", "google_cloud_run_v2_service"):
        for name, body in sorted(by_type.get(rtype, {}).items()):
            svc_name = attr(body, "name")
            images, env = _images_env(body)
            grant = grants.get(name) or grants.get(str(svc_name))
            out.append(
                _fact(
                    "cloud-run", str(svc_name or name), path, _line(body),
                    _evidence(str(svc_name or name), images, env),
                    grant[0] if grant else None, grant[1] if grant else None,
                )
            )  # fmt: skip
    # Lambda function URLs without authorization
    for name, body in sorted(by_type.get("aws_lambda_function_url", {}).items()):
        if str(attr(body, "authorization_type") or "").upper() != "NONE":
            continue
        target = _ref_name(attr(body, "function_name")) or name
        fn = by_type.get("aws_lambda_function", {}).get(target, {})
        fn_name = str(attr(fn, "function_name") or target)
        images, env = _images_env(fn) if fn else ([], [])
        evidence = _evidence(fn_name, images, env)
        handler = attr(fn, "handler") if fn else None
        if isinstance(handler, str) and _MODEL_WORDS.search(handler):
            evidence.append(f"handler:{handler}")
        out.append(
            _fact("lambda-url", fn_name, path, _line(body), evidence,
                  'authorization_type = "NONE"', _line(body))
        )  # fmt: skip
    for name, body in sorted(by_type.get("aws_sagemaker_endpoint", {}).items()):
        fact = _fact("sagemaker", str(attr(body, "name") or name), path, _line(body),
                     ["manifest:aws_sagemaker_endpoint"], None, None)  # fmt: skip
        fact["app_auth"] = ["aws-iam"]
        out.append(fact)
    for name, body in sorted(by_type.get("google_vertex_ai_endpoint", {}).items()):
        fact = _fact("vertex", str(attr(body, "display_name") or name), path, _line(body),
                     ["manifest:google_vertex_ai_endpoint"], None, None)  # fmt: skip
        fact["app_auth"] = ["gcp-iam"]
        out.append(fact)
    return out


def _fact(
    kind: str,
    name: str,
    path: str,
    line: int | None,
    evidence: list[str],
    public_reason: str | None,
    public_line: int | None,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "framework": kind,
        "name": name,
        "namespace": "",
        "path": path,
        "loc": line_loc(path, line, 1 if line else None),
        "serves_model": bool(evidence),
        "model_evidence": evidence,
        "public": public_reason is not None,
        "public_reason": public_reason,
        "public_loc": line_loc(path, public_line, 1 if public_line else None)
        if public_reason
        else None,
        "binds": [],
        "debug": [],
        "app_auth": [],
        "routes": [],
        "reached_through": [],
    }


_GCLOUD = re.compile(r"\bgcloud\s+(beta\s+)?run\s+deploy\b")


def deploy_commands(path: str, text: str) -> list[dict[str, Any]]:
    """``gcloud run deploy NAME ... --allow-unauthenticated`` lines."""
    out: list[dict[str, Any]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        start = i
        buf = lines[i]
        while buf.rstrip().endswith("\\") and i + 1 < len(lines):
            i += 1
            buf = buf.rstrip()[:-1] + " " + lines[i]
        i += 1
        m = _GCLOUD.search(buf)
        if m is None or "--allow-unauthenticated" not in buf:
            continue
        tokens = split_shell(buf[m.end() :])
        name = next((t for t in tokens if not t.startswith("-")), "")
        images = [
            tokens[j + 1] for j, t in enumerate(tokens[:-1]) if t in ("--image", "-i")
        ] + [t.split("=", 1)[1] for t in tokens if t.startswith("--image=")]
        flag_line = next(
            (n + 1 for n in range(start, i) if "--allow-unauthenticated" in lines[n]), start + 1
        )
        out.append(
            _fact("cloud-run", name, path, start + 1, _evidence(name, images, []),
                  "gcloud run deploy --allow-unauthenticated", flag_line)
        )  # fmt: skip
    return out


# the names the gateway and load-balancer module shares
MODEL_WORDS = _MODEL_WORDS
evidence = _evidence
fact = _fact
images_env = _images_env
