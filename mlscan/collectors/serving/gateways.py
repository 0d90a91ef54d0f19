"""Model endpoints published by API gateways and load balancers in Terraform, across files
and local modules (``tf_graph``).

* API Gateway REST methods with ``authorization = "NONE"`` and HTTP API routes without an
  authorizer, with the integration they call: a SageMaker runtime URI, or a Lambda
  function followed through module inputs and outputs to its name, image, environment and
  the SageMaker endpoint it is given;
* their stages (``aws_apigatewayv2_stage`` route settings, ``aws_api_gateway_stage`` with
  ``aws_api_gateway_method_settings`` or a usage plan) and whether they throttle;
* internet-facing load balancers (``aws_lb`` / ``aws_alb`` with ``internal`` false or
  unset): each listener that forwards to a target group without an ``authenticate-oidc`` /
  ``authenticate-cognito`` action, with the ECS services or Lambda functions registered in
  that target group and their model evidence.

"Serves a model" is evidence on the target (see ``cloud._evidence``), never "it is an API".
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from mlscan.collectors.base import line_loc
from mlscan.collectors.mlflow.deploy_iac import attr, blocks
from mlscan.collectors.serving.cloud import MODEL_WORDS, evidence, fact, images_env
from mlscan.collectors.serving.tf_graph import Resolved, TfGraph, folder_of, line_of

Ref = tuple[str, str, str]
_ENV_NAME = re.compile(r"""["']name["']\s*[:=]\s*["']([A-Z][A-Z0-9_]+)["']""")
_IMAGE = re.compile(r"""["']image["']\s*[:=]\s*["']([^"']+)["']""")
_LB_TYPES = ("aws_lb", "aws_alb")
# an MLflow tracking server is judged by the MLflow controls, not as a model server
_TRACKING_ENV = frozenset(
    {"MLFLOW_BACKEND_STORE_URI", "MLFLOW_ARTIFACT_ROOT", "MLFLOW_DEFAULT_ARTIFACT_ROOT",
     "BACKEND_STORE_URI", "MLFLOW_ARTIFACTS_DESTINATION"}
)  # fmt: skip
_AUTH_ACTIONS = ("authenticate-oidc", "authenticate-cognito")


def _addr(ref: Ref) -> str:
    return f"{ref[1]}.{ref[2]}"


def _literal(values: list[Resolved]) -> str | None:
    for r in values:
        if (
            isinstance(r.value, str | int)
            and not isinstance(r.value, bool)
            and ("${" not in str(r.value))
        ):
            return str(r.value)
    return None


def target_evidence(
    graph: TfGraph, ref: Ref, seen: set[Ref] | None = None, via: str | None = None
) -> list[str]:
    """Model evidence of a Lambda function or ECS service (and what its module call
    ``via`` gives it)."""
    seen = seen if seen is not None else set()
    if ref in seen:
        return []
    seen.add(ref)
    found = graph.resource(ref)
    if found is None:
        return []
    path, body = found
    folder, rtype, name = ref
    names = [name]
    for key in ("function_name", "name", "family"):
        literal = _literal(graph.value(folder, path, body, key))
        if literal:
            names.append(literal)
    images, env = images_env(body)
    out: list[str] = []
    inputs = graph.input_values(folder, body, via)
    if rtype == "aws_ecs_service":
        for td in graph.targets(folder, path, body, "task_definition"):
            td_found = graph.resource(td)
            if td_found is None or td in seen:
                continue
            seen.add(td)
            text = str(attr(td_found[1], "container_definitions") or "")
            env += _ENV_NAME.findall(text)
            images += _IMAGE.findall(text)
            inputs += graph.input_values(td[0], td_found[1], via)
    for r in inputs:
        if r.resource is not None and r.resource[1] == "aws_sagemaker_endpoint":
            out.append(f"invokes:{_addr(r.resource)}")
        elif isinstance(r.value, dict):
            env += [str(k) for k in r.value]
        elif isinstance(r.value, str) and ":" in r.value and "/" in r.value:
            images.append(r.value)
    if _TRACKING_ENV & {e.upper() for e in env}:
        return []
    handler = attr(body, "handler")
    if isinstance(handler, str) and MODEL_WORDS.search(handler):
        out.append(f"handler:{handler}")
    for n in names:
        for e in evidence(n, images, env):
            if e not in out:
                out.append(e)
    return out


def _integration_evidence(graph: TfGraph, folder: str, path: str, integ: dict[str, Any],
                          key: str, iname: str) -> list[str]:  # fmt: skip
    out: list[str] = []
    for r in graph.value(folder, path, integ, key):
        if "sagemaker" in str(r.value).lower():
            out.append(f"integration:sagemaker ({iname})")
        if r.resource is not None and r.resource[1] in ("aws_lambda_function", "aws_ecs_service"):
            via = graph.via_for(r.resource[0], r.calls)
            out += [e for e in target_evidence(graph, r.resource, via=via) if e not in out]
    if not out and MODEL_WORDS.search(str(attr(integ, key) or "")):
        out.append(f"integration:{iname}")
    return out


def api_gateway_endpoints(graph: TfGraph) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    # REST APIs: methods with authorization NONE and the integrations on the same method
    integrations = list(graph.resources("aws_api_gateway_integration"))
    for folder, _t, name, path, body in graph.resources("aws_api_gateway_method"):
        if str(attr(body, "authorization") or "").upper() != "NONE":
            continue
        ev: list[str] = []
        for ifolder, _it, iname, ipath, integ in integrations:
            if ifolder != folder:
                continue
            same_method = f"aws_api_gateway_method.{name}." in str(attr(integ, "http_method"))
            same_resource = attr(integ, "resource_id") == attr(body, "resource_id")
            if same_method or same_resource:
                ev += [e for e in _integration_evidence(graph, folder, ipath, integ, "uri", iname)
                       if e not in ev]  # fmt: skip
        if MODEL_WORDS.search(name):
            ev.append(f"name:{name}")
        f = fact("api-gateway", f"aws_api_gateway_method.{name}", path, line_of(body), ev,
                 'authorization = "NONE"', line_of(body))  # fmt: skip
        f["api"] = _api_of(graph, folder, path, body, "rest_api_id")
        if attr(body, "api_key_required") in (True, "true"):
            f["app_auth"] = ["api-key-required"]  # callers need a key of a usage plan
        out.append(f)
    # HTTP APIs: routes without an authorizer
    for folder, _t, name, path, body in graph.resources("aws_apigatewayv2_route"):
        if str(attr(body, "authorization_type") or "NONE").upper() != "NONE":
            continue
        route_key = str(attr(body, "route_key") or "")
        ev = []
        targets = graph.targets(folder, path, body, "target")
        v2 = [r for r in graph.resources("aws_apigatewayv2_integration") if r[0] == folder]
        for ifolder, itype, iname, ipath, integ in v2:
            if (ifolder, itype, iname) not in targets and len(v2) > 1:
                continue
            found = _integration_evidence(graph, folder, ipath, integ, "integration_uri", iname)
            ev += [e for e in found if e not in ev]
        if MODEL_WORDS.search(route_key):
            ev.append(f"route:{route_key}")
        f = fact("api-gateway", f"aws_apigatewayv2_route.{name}", path, line_of(body), ev,
                 f"route {route_key} without an authorizer", line_of(body))  # fmt: skip
        f["api"] = _api_of(graph, folder, path, body, "api_id")
        out.append(f)
    return out


def _api_of(graph: TfGraph, folder: str, path: str, body: dict[str, Any], key: str) -> str | None:
    refs = sorted(graph.targets(folder, path, body, key))
    return f"{refs[0][0]}:{_addr(refs[0])}" if refs else None


def _throttles(settings: Any) -> bool:
    return any(
        attr(s, k) is not None
        for s in blocks(settings)
        for k in ("throttling_rate_limit", "throttling_burst_limit", "rate_limit", "burst_limit")
    )


def api_stages(graph: TfGraph) -> list[dict[str, Any]]:
    """Stages of API Gateway APIs and whether they set a request-rate limit."""
    out: list[dict[str, Any]] = []
    for folder, rtype, name, path, body in graph.resources("aws_apigatewayv2_stage"):
        throttle: list[str] = []
        if _throttles(body.get("default_route_settings")):
            throttle.append("default_route_settings")
        if _throttles(body.get("route_settings")):
            throttle.append("route_settings")
        out.append(_stage(graph, folder, rtype, name, path, body, "api_id", throttle))
    method_settings = list(graph.resources("aws_api_gateway_method_settings"))
    plans = list(graph.resources("aws_api_gateway_usage_plan"))
    for folder, rtype, name, path, body in graph.resources("aws_api_gateway_stage"):
        stage_name = attr(body, "stage_name")
        api = _api_of(graph, folder, path, body, "rest_api_id")
        throttle = []
        for mfolder, _mt, mname, mpath, ms in method_settings:
            refs = graph.targets(mfolder, mpath, ms, "stage_name")
            same = (folder, rtype, name) in refs or attr(ms, "stage_name") == stage_name
            if (
                same
                and _api_of(graph, mfolder, mpath, ms, "rest_api_id") == api
                and _throttles(ms.get("settings"))
            ):
                throttle.append(f"aws_api_gateway_method_settings.{mname}")
        for pfolder, _pt, pname, ppath, plan in plans:
            if not _throttles(plan.get("throttle_settings")):
                continue
            for st in blocks(plan.get("api_stages")):
                if _api_of(graph, pfolder, ppath, st, "api_id") == api:
                    throttle.append(f"aws_api_gateway_usage_plan.{pname}")
        out.append(_stage(graph, folder, rtype, name, path, body, "rest_api_id", throttle))
    return out


def _stage(graph: TfGraph, folder: str, rtype: str, name: str, path: str,
           body: dict[str, Any], key: str, throttle: list[str]) -> dict[str, Any]:  # fmt: skip
    line = line_of(body)
    return {
        "address": f"{rtype}.{name}",
        "name": str(attr(body, "name") or attr(body, "stage_name") or name),
        "api": _api_of(graph, folder, path, body, key),
        "throttled": bool(throttle),
        "throttle_evidence": sorted(set(throttle)),
        "loc": line_loc(path, line, 1 if line else None),
    }


def load_balancer_endpoints(graph: TfGraph) -> list[dict[str, Any]]:
    """Listeners of internet-facing load balancers that forward without authentication."""
    out: list[dict[str, Any]] = []
    services = list(graph.resources("aws_ecs_service"))
    attachments = list(graph.resources("aws_lb_target_group_attachment",
                                       "aws_alb_target_group_attachment"))  # fmt: skip
    for folder, _t, name, path, body in graph.resources("aws_lb_listener", "aws_alb_listener"):
        lbs = [
            r for r in graph.targets(folder, path, body, "load_balancer_arn") if r[1] in _LB_TYPES
        ]
        if not lbs:
            continue
        lb_ref = sorted(lbs)[0]
        lb_path, lb_body = graph.resource(lb_ref) or ("", {})
        actions = list(blocks(body.get("default_action")))
        types = [str(attr(a, "type") or "") for a in actions]
        if any(t in _AUTH_ACTIONS for t in types) or "forward" not in types:
            continue
        groups: set[Ref] = set()
        for a in actions:
            groups |= graph.targets(folder, path, a, "target_group_arn")
            for fwd in blocks(a.get("forward")):
                for tg in blocks(fwd.get("target_group")):
                    groups |= graph.targets(folder, path, tg, "arn")
        internal = graph.value(lb_ref[0], lb_path, lb_body, "internal")
        rule_auth = _rule_auth(graph, (folder, _t, name))
        # one load balancer per module instance: internal = false written by each caller
        instances: list[Resolved | None] = list(internal) or [None]
        for inst in instances:
            if inst is not None and inst.value not in (False, "false"):
                continue  # internal, or set by a value mlscan cannot read
            via = graph.via_for(lb_ref[0], inst.calls) if inst is not None else None
            if _private_only(graph, lb_ref, lb_path, lb_body, via):
                continue  # its security groups admit private networks only
            sites = set(inst.calls) if inst is not None else set()
            f = _listener_fact(graph, path, name, _t, body, lb_ref, groups, inst, sites,
                               services, attachments)  # fmt: skip
            f["app_auth"] = rule_auth
            out.append(f)
    return out


def _rule_auth(graph: TfGraph, listener: Ref) -> list[str]:
    """Listener rules of this listener that authenticate (``authenticate-oidc`` /
    ``authenticate-cognito`` actions)."""
    out: list[str] = []
    for folder, rtype, name, path, body in graph.resources(
        "aws_lb_listener_rule", "aws_alb_listener_rule"
    ):
        if listener not in graph.targets(folder, path, body, "listener_arn"):
            continue
        if any(str(attr(a, "type") or "") in _AUTH_ACTIONS for a in blocks(body.get("action"))):
            out.append(f"alb-listener-rule:{rtype}.{name}")
    return sorted(out)


def _items(graph: TfGraph, folder: str, path: str, body: dict[str, Any], key: str,
           via: str | None) -> list[Resolved]:  # fmt: skip
    """Every element of a list attribute, each resolved (``[module.sg.id, var.extra]``)."""
    out: list[Resolved] = []
    for r in graph.value(folder, path, body, key, via):
        values = r.value if isinstance(r.value, list) else [r.value]
        for item in values:
            if isinstance(item, list):
                out += [Resolved(value=i, path=r.path, line=r.line) for i in item]
                continue
            sub = graph.resolve(folder_of(r.path) if r.path else folder, item, r.path, r.line)
            for x in sub:
                if isinstance(x.value, list):
                    out += [Resolved(value=i, path=x.path, line=x.line) for i in x.value]
                else:
                    out.append(x)
    return out


def _private_only(
    graph: TfGraph, lb: Ref, path: str, body: dict[str, Any], via: str | None
) -> bool:
    """The load balancer's security groups admit only private address ranges."""
    cidrs: list[Any] = []
    groups = {r.resource for r in _items(graph, lb[0], path, body, "security_groups", via)
              if r.resource is not None and r.resource[1] == "aws_security_group"}  # fmt: skip
    if not groups:
        return False
    for ref in groups:
        found = graph.resource(ref)
        if found is None:
            return False
        gpath, gbody = found
        for rule in blocks(gbody.get("ingress")):
            cidrs += [r.value for r in _items(graph, ref[0], gpath, rule, "cidr_blocks", None)]
    for folder, _t, _n, rpath, rule in graph.resources(
        "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"
    ):
        if str(attr(rule, "type") or "ingress") != "ingress":
            continue
        if not graph.targets(folder, rpath, rule, "security_group_id") & groups:
            continue
        for key in ("cidr_blocks", "cidr_ipv4", "ipv6_cidr_blocks", "cidr_ipv6"):
            cidrs += [r.value for r in _items(graph, folder, rpath, rule, key, None)]
    return bool(cidrs) and all(_private(c) for c in cidrs)


def _private(cidr: Any) -> bool:
    try:
        net = ipaddress.ip_network(str(cidr), strict=False)
    except ValueError:
        return False  # an expression mlscan cannot read: not known to be private
    return net.is_private and net.prefixlen > 0


def _listener_fact(graph: TfGraph, path: str, name: str, rtype: str, body: dict[str, Any],
                   lb_ref: Ref, groups: set[Ref], inst: Resolved | None, sites: set[str],
                   services: list[Any], attachments: list[Any]) -> dict[str, Any]:  # fmt: skip
    folder = folder_of(path)
    ev: list[str] = []
    targets: list[str] = []
    for sfolder, stype, sname, spath, svc in services:
        for lbb in blocks(svc.get("load_balancer")):
            for r in graph.value(sfolder, spath, lbb, "target_group_arn"):
                if r.resource not in groups or (sites and not sites & set(r.calls)):
                    continue
                svc_via = graph.via_for(sfolder, r.calls)
                targets.append(f"{stype}.{sname}")
                ev += [e for e in target_evidence(graph, (sfolder, stype, sname), via=svc_via)
                       if e not in ev]  # fmt: skip
    for afolder, _at, _an, apath, att in attachments:
        if graph.targets(afolder, apath, att, "target_group_arn") & groups:
            for ref in graph.targets(afolder, apath, att, "target_id"):
                targets.append(_addr(ref))
                ev += [e for e in target_evidence(graph, ref) if e not in ev]
    via = graph.via_for(lb_ref[0], inst.calls) if inst is not None else None
    protocol = _literal(graph.value(folder, path, body, "protocol", via)) or "HTTP"
    port = _literal(graph.value(folder, path, body, "port", via))
    public_path: str = path
    public_line: int | None = line_of(body)
    reason_at = "internal not set"
    if inst is not None and inst.line is not None:
        reason_at = f"internal = false at {inst.path}:{inst.line}"
        public_path, public_line = inst.path, inst.line
    reason = (f"internet-facing load balancer {_addr(lb_ref)} ({reason_at}); {protocol} listener"
              f"{' on port ' + port if port else ''} forwards to "
              f"{', '.join(sorted(_addr(g) for g in groups)) or 'a target group'} "
              "with no authenticate action")  # fmt: skip
    instance = inst.calls[0].split(":", 1)[1] + "." if inst is not None and inst.calls else ""
    f = fact("load-balancer", f"{instance}{rtype}.{name}", path, line_of(body), ev, reason, None)
    f["public_loc"] = line_loc(public_path, public_line, 1 if public_line else None)
    f["protocol"] = protocol
    f["targets"] = sorted(set(targets))
    return f
