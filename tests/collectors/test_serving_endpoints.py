"""Python model-serving apps, their launchers and Dockerfiles; the precision of the
model-server controls (only model servers, named by what they are)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlscan.collectors.serving.launchers import parse_launch
from mlscan.scan import ScanOptions, collect_facts, run

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "serving" / "apps"


def _findings(root: Path) -> list[tuple[str, str, int | None]]:
    result = run(ScanOptions(paths=(str(root),)))
    return sorted((f.control.id, f.location.path, f.location.start_line) for f in result.findings)


def _endpoint(path: str) -> dict[str, Any]:
    facts = collect_facts((str(FIX),)).facts
    return next(e for e in facts["serving"]["endpoints"] if e["path"] == path)


def test_apps_findings_at_exact_lines() -> None:
    assert _findings(FIX) == [
        ("MLS-PRV-002", "webapp/app.py", 24),  # request body stored in a database
        ("MLS-ROB-002", "webapp/app.py", 15),  # the route that reaches the model
        ("MLS-SRV-001", "heroku_app/Procfile", 1),  # public router, no auth on /score
        ("MLS-SRV-001", "ml_api/main.py", 46),  # uvicorn.run(host="0.0.0.0"), /predict open
        ("MLS-SRV-001", "serve/Dockerfile", 3),  # the same app from the image's CMD
        ("MLS-SRV-001", "webapp/app.py", 36),  # app.run(host="0.0.0.0")
        ("MLS-SRV-003", "compose.yaml", 8),
        ("MLS-SRV-003", "serve/Dockerfile", 1),  # checkov, on the image of a model server
        ("MLS-SRV-004", "compose.yaml", 12),  # the scorer, not the trainer
        ("MLS-SRV-005", "heroku_app/app.py", 5),
        ("MLS-SRV-005", "local_tool/app.py", 5),
        ("MLS-SRV-005", "ml_api/main.py", 10),
        ("MLS-SRV-005", "webapp/app.py", 9),
        ("MLS-SRV-006", "heroku_app/app.py", 13),  # public through the Heroku router
        ("MLS-SRV-006", "ml_api/main.py", 28),  # /train
        ("MLS-SRV-006", "ml_api/main.py", 34),  # DELETE /delete_model removes the model
        ("MLS-SRV-007", "webapp/app.py", 36),
    ]


def test_messages_say_what_the_workload_is() -> None:
    result = run(ScanOptions(paths=(str(FIX),)))
    by_key = {(f.control.id, f.location.path): f.message for f in result.findings}
    assert by_key[("MLS-SRV-004", "compose.yaml")].startswith(
        "model server compose service scorer (image:acme/churn-inference, name:scorer)"
    )
    assert "model server image built by serve/Dockerfile (app:ml_api/main.py)" in by_key[
        ("MLS-SRV-003", "serve/Dockerfile")
    ]


def test_endpoint_facts() -> None:
    api = _endpoint("ml_api/main.py")
    assert (api["framework"], api["serves_model"], api["loc"]["line"]) == ("fastapi", True, 9)
    routes = {r["path"]: r for r in api["routes"]}
    assert routes["/admin/reload"]["auth_evidence"] == ["dependency:verify_token"]
    assert routes["/predict"]["reaches_model"] is True
    assert routes["/delete_model"]["reaches_model"] is False
    binds = {(b["host"], b["source"]) for b in api["binds"]}
    assert binds == {("0.0.0.0", "uvicorn.run()"), ("0.0.0.0", "uvicorn in Dockerfile")}
    web = _endpoint("webapp/app.py")
    assert [d["loc"]["line"] for d in web["debug"]] == [36]
    assert {r["path"]: r["auth"] for r in web["routes"]}["/upload"] is True
    heroku = _endpoint("heroku_app/app.py")
    assert [(b["platform"], b["loc"]["path"]) for b in heroku["binds"]] == [
        ("heroku", "heroku_app/Procfile")
    ]


def test_dockerfile_evidence_and_test_images() -> None:
    facts = collect_facts((str(FIX),)).facts
    docker = {d["path"]: d for d in facts["serving"]["dockerfiles"]}
    assert docker["serve/Dockerfile"]["serving_evidence"] == ["app:ml_api/main.py"]
    assert docker["tools/Dockerfile"]["serving_evidence"] == []
    assert docker["tests/test_image/Dockerfile"]["test_image"] is True
    assert docker["tests/test_image/Dockerfile"]["serving_evidence"] == []


def test_loopback_app_is_not_reported(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text((FIX / "local_tool" / "app.py").read_text())
    assert [f for f in _findings(tmp_path) if f[0] == "MLS-SRV-006"] == []


def test_app_without_model_is_no_model_server(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "from flask import Flask, request\napp = Flask(__name__)\n\n\n"
        "@app.route('/upload', methods=['POST'])\ndef upload():\n"
        "    request.files['f'].save('/tmp/x')\n    return 'ok'\n\n\n"
        "app.run(host='0.0.0.0', debug=True)\n"
    )
    assert _findings(tmp_path) == []


def test_parse_launch() -> None:
    g = parse_launch(["gunicorn", "-w", "2", "-b", "0.0.0.0:8000", "pkg.wsgi:app"], 3, 1)
    assert g is not None and (g.module, g.host, g.port) == ("pkg.wsgi", "0.0.0.0", "8000")
    u = parse_launch(["uvicorn", "main:app"], 1, 1)
    assert u is not None and (u.host, u.host_explicit) == ("127.0.0.1", False)
    s = parse_launch(["streamlit", "run", "ui.py"], 1, 1)
    assert s is not None and (s.module, s.host) == ("ui.py", "0.0.0.0")


MESH = FIX.parent / "mesh"


def test_kserve_endpoints_and_how_they_are_reached() -> None:
    assert _findings(MESH) == [
        ("MLS-SRV-001", "churn.yaml", 1),  # cluster-local, but an HTTPRoute publishes it
        ("MLS-SRV-001", "fraud.yaml", 1),  # KServe's ingress gateway by default
        ("MLS-SRV-001", "seldon.yaml", 1),  # a VirtualService on a public gateway
    ]
    facts = collect_facts((str(MESH),)).facts
    eps = {e["name"]: e for e in facts["serving"]["endpoints"]}
    assert eps["ranker"]["app_auth"] == ["istio-authorization-policy:ranker-callers"]
    assert eps["churn"]["request_authentication"] == ["jwt"]
    assert [r["name"] for r in eps["churn"]["reached_through"]] == ["churn-public"]
    assert eps["embeddings"]["visibility"] == "cluster-local"
    assert eps["fraud"]["storage_uri"] == "s3://acme-models/fraud/v7"
    assert eps["fraud"]["storage_uri_loc"]["line"] == 9
    assert eps["credit"]["storage_uri"] == "s3://acme-models/credit"
    assert (eps["recommender"]["kind"], eps["recommender"]["reached_through"]) == ("ray-serve", [])


CLOUD = FIX.parent / "cloud"


def test_public_cloud_model_endpoints() -> None:
    assert _findings(CLOUD) == [
        ("MLS-SRV-001", "deploy.sh", 4),  # --allow-unauthenticated on the model service only
        ("MLS-SRV-001", "lambda.tf", 8),  # function URL without authorization
        ("MLS-SRV-001", "lambda.tf", 13),  # API Gateway method in front of SageMaker
        ("MLS-SRV-001", "lambda.tf", 40),  # HTTP API route without an authorizer
        ("MLS-SRV-001", "run.tf", 15),  # allUsers invoker on the scorer, not on the docs site
    ]
    facts = collect_facts((str(CLOUD),)).facts
    eps = {(e["kind"], e["name"]): e for e in facts["serving"]["endpoints"]}
    assert eps[("cloud-run", "docs-site")]["public"] is True
    assert eps[("cloud-run", "docs-site")]["serves_model"] is False
    assert eps[("cloud-run", "fraud-scorer")]["model_evidence"] == [
        "env:MODEL_URI",
        "name:fraud-scorer",
    ]


def test_model_evidence_is_not_taken_from_unrelated_calls(tmp_path: Path) -> None:
    """A graph-database session, itertools.chain and a report generator are no models; an
    ONNX session loaded in the module is one, whatever its name."""
    (tmp_path / "app.py").write_text(
        "from itertools import chain\nfrom flask import Flask\nfrom neo4j import GraphDatabase\n"
        "app = Flask(__name__)\ndriver = GraphDatabase.driver('bolt://db')\n\n\n"
        "@app.route('/delete_node', methods=['POST'])\ndef delete_node():\n"
        "    with driver.session() as session:\n        session.run('MATCH (n) DELETE n')\n"
        "    return generate_report(list(chain([1], [2])))\n\n\n"
        "def generate_report(rows):\n    return str(rows)\n\n\n"
        "app.run(host='0.0.0.0')\n"
    )
    (tmp_path / "serve.py").write_text(
        "import onnxruntime as ort\nfrom fastapi import FastAPI\n"
        "app = FastAPI()\nsess = ort.InferenceSession('m.onnx')\n\n\n"
        "@app.post('/upload')\ndef upload(data: dict):\n"
        "    return {'y': sess.run(None, data)[0].tolist()}\n"
    )
    facts = collect_facts((str(tmp_path),)).facts
    eps = {e["path"]: e for e in facts["serving"]["endpoints"]}
    assert eps["app.py"]["serves_model"] is False
    assert eps["serve.py"]["model_evidence"] == ["load:ort.InferenceSession", "call:sess.run"]
    assert eps["serve.py"]["routes"][0]["reaches_model"] is True


def test_django_rest_class_views(tmp_path: Path) -> None:
    (tmp_path / "views.py").write_text(
        "import joblib\nfrom rest_framework.views import APIView\n"
        "from rest_framework.response import Response\n"
        "from rest_framework.permissions import IsAuthenticated\n\n"
        "model = joblib.load('m.joblib')\n\n\n"
        "class PredictView(APIView):\n    def post(self, request):\n"
        "        return Response({'y': model.predict([request.data['x']]).tolist()})\n\n\n"
        "class ModelAdminView(APIView):\n    def delete(self, request):\n"
        "        return Response(status=204)\n\n\n"
        "class SecureAdminView(APIView):\n    permission_classes = [IsAuthenticated]\n\n"
        "    def delete(self, request):\n        return Response(status=204)\n"
    )
    result = run(ScanOptions(paths=(str(tmp_path),)))
    got = [
        (f.control.id, f.location.start_line, f.severity)
        for f in result.findings
        if f.control.id == "MLS-SRV-006"
    ]
    # no bind address in the repository: reported, one level lower
    assert got == [("MLS-SRV-006", 15, "medium")]


def test_starlette_route_table(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "import torch\nfrom starlette.applications import Starlette\n"
        "from starlette.responses import JSONResponse\nfrom starlette.routing import Route\n\n"
        "net = torch.jit.load('model.pt')\n\n\n"
        "async def predict(request):\n    body = await request.json()\n"
        "    return JSONResponse({'y': net(torch.tensor(body['x'])).tolist()})\n\n\n"
        "async def reload_model(request):\n    return JSONResponse({'ok': True})\n\n\n"
        "app = Starlette(routes=[Route('/predict', predict, methods=['POST']),\n"
        "                        Route('/reload_model', reload_model, methods=['POST'])])\n"
    )
    facts = collect_facts((str(tmp_path),)).facts
    (ep,) = facts["serving"]["endpoints"]
    assert ep["model_evidence"] == ["load:torch.jit.load", "call:net"]
    assert [(r["path"], r["reaches_model"]) for r in ep["routes"]] == [
        ("/predict", True),
        ("/reload_model", False),
    ]
    result = run(ScanOptions(paths=(str(tmp_path),)))
    assert [(f.control.id, f.location.start_line) for f in result.findings] == [
        ("MLS-SRV-006", 14)
    ]


def test_route_calling_a_project_module_that_trains_the_model(tmp_path: Path) -> None:
    (tmp_path / "app" / "core").mkdir(parents=True)
    (tmp_path / "app" / "core" / "trainer.py").write_text(
        "import torch\n\n\ndef retrain_all():\n    net = torch.jit.load('m.pt')\n"
        "    return net(torch.zeros(1))\n"
    )
    (tmp_path / "app" / "routes.py").write_text(
        "from fastapi import APIRouter\nfrom app.core.trainer import retrain_all\n\n"
        "router = APIRouter()\n\n\n@router.post('/retrain')\nasync def retrain():\n"
        "    return {'loss': retrain_all()}\n"
    )
    facts = collect_facts((str(tmp_path),)).facts
    (ep,) = facts["serving"]["endpoints"]
    assert ep["model_evidence"] == ["via:app.core.trainer.retrain_all"]
    assert _findings(tmp_path) == [("MLS-SRV-006", "app/routes.py", 7)]


GATEWAYS = FIX.parent / "gateways"


def test_http_api_route_in_front_of_a_model_across_modules() -> None:
    """The route's integration is a module input that leads to a Lambda given a SageMaker
    endpoint by another module; the mailer route on the same API serves no model."""
    assert _findings(GATEWAYS / "http_api") == [
        ("MLS-SRV-001", "modules/edge/main.tf", 26),  # POST /tickets, no authorizer
        ("MLS-SRV-002", "modules/edge/main.tf", 38),  # its stage sets no throttling
    ]
    facts = collect_facts((str(GATEWAYS / "http_api"),)).facts
    eps = {e["name"]: e for e in facts["serving"]["endpoints"]}
    assert eps["aws_apigatewayv2_route.classify"]["model_evidence"][0] == (
        "invokes:aws_sagemaker_endpoint.this"
    )
    assert eps["aws_apigatewayv2_route.digest"]["serves_model"] is False
    [stage] = facts["serving"]["api_stages"]
    assert (stage["api"], stage["throttled"]) == ("modules/edge:aws_apigatewayv2_api.public", False)


def test_authorized_routes_and_throttled_stages_are_not_reported() -> None:
    """A JWT route is not public, nor a method that requires an API key; a public REST
    method whose stage is throttled by method settings gets the authentication finding
    only."""
    assert _findings(GATEWAYS / "guarded_api") == [("MLS-SRV-001", "main.tf", 50)]
    facts = collect_facts((str(GATEWAYS / "guarded_api"),)).facts
    eps = {e["name"]: e for e in facts["serving"]["endpoints"]}
    batch = eps["aws_api_gateway_method.batch"]  # needs a usage-plan key
    assert (batch["serves_model"], batch["app_auth"]) == (True, ["api-key-required"])
    stages = {s["address"]: s for s in facts["serving"]["api_stages"]}
    assert stages["aws_api_gateway_stage.prod"]["throttle_evidence"] == [
        "aws_api_gateway_method_settings.all"
    ]


def test_internet_facing_load_balancer_in_front_of_a_model() -> None:
    """Each caller of the shared load-balancer module is one instance: only the one that is
    internet-facing and forwards to a model service is reported, at the caller's
    ``internal = false``. A tracking server, a docs site, an internal balancer, an OIDC
    listener, a redirect, a balancer whose security group admits a private range only and
    one whose listener rule authenticates are not model endpoints published without
    authentication."""
    found = [f for f in _findings(GATEWAYS / "lb") if f[0] == "MLS-SRV-001"]
    assert found == [
        ("MLS-SRV-001", "envs/scoring/main.tf", 4),
        ("MLS-SRV-001", "standalone/main.tf", 31),  # internal not set: internet-facing
    ]
    facts = collect_facts((str(GATEWAYS / "lb"),)).facts
    lbs = {e["name"]: e for e in facts["serving"]["endpoints"] if e["kind"] == "load-balancer"}
    assert lbs["module.scoring_lb.aws_lb_listener.this"]["model_evidence"] == ["env:MODEL_URI"]
    assert lbs["module.tracking_lb.aws_lb_listener.this"]["serves_model"] is False
    assert lbs["module.docs_lb.aws_lb_listener.this"]["serves_model"] is False
    assert "module.private_lb.aws_lb_listener.this" not in lbs
    assert lbs["aws_lb_listener.portal"]["app_auth"] == [
        "alb-listener-rule:aws_lb_listener_rule.portal_login"
    ]
    assert sorted(lbs) == [
        "aws_lb_listener.plain",
        "aws_lb_listener.portal",  # the partner balancer admits 10.20.0.0/16 only
        "module.docs_lb.aws_lb_listener.this",
        "module.scoring_lb.aws_lb_listener.this",
        "module.tracking_lb.aws_lb_listener.this",
    ]


def test_routes_joined_with_their_gateways() -> None:
    """Gateway API and Istio Gateways are read (listeners, TLS, internal class) and joined
    with the routes that attach to them: a route to an internal gateway and a
    VirtualService bound only to the mesh publish nothing; a route to a model-serving
    Service publishes it unless an AuthorizationPolicy covers its pods."""
    root = FIX.parent / "gateway_api"
    assert _findings(root) == [
        ("MLS-SRV-001", "scorer.yaml", 1),
        ("MLS-SRV-001", "seldon.yaml", 1),
        # a Triton Deployment's Service published by an HTTPRoute; the embedder's route is
        # covered by an AuthorizationPolicy on its pods
        ("MLS-SRV-001", "triton.yaml", 32),
        ("MLS-SRV-003", "triton.yaml", 17),
        ("MLS-SRV-003", "triton.yaml", 62),
    ]
    facts = collect_facts((str(root),)).facts
    routes = {r["name"]: r for r in facts["serving"]["gateway_routes"]}
    assert routes["triton-public"]["backends"] == ["triton"]
    assert [p["name"] for p in facts["serving"]["authorization_policies"]] == ["embedder-callers"]
    eps = {e["name"]: e for e in facts["serving"]["endpoints"]}
    [route] = eps["scorer"]["reached_through"]
    [gw] = route["gateways"]
    assert (gw["name"], gw["namespace"], gw["internal"]) == ("public-edge", "infra", False)
    assert [(x["protocol"], x["port"], x["tls_mode"]) for x in gw["listeners"]] == [
        ("HTTP", 80, None),
        ("HTTPS", 443, "Terminate"),
    ]
    assert eps["ranker"]["reached_through"][0]["gateways"][0]["internal"] is True
    [istio] = eps["credit"]["reached_through"][0]["gateways"]
    assert (istio["api"], istio["listeners"][0]["hostname"]) == ("istio", "*")
    result = run(ScanOptions(paths=(str(root),)))
    msg = next(f.message for f in result.findings if f.location.path == "scorer.yaml")
    assert "gateways infra/public-edge: HTTP :80, HTTPS :443 TLS Terminate" in msg
