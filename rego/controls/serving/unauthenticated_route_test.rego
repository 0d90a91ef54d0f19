package mlscan.controls.serving.unauthenticated_route

import rego.v1

_route(path, methods, auth) := {"path": path, "methods": methods, "function": "f", "auth": auth,
	"loc": {"path": "api/main.py", "line": 20}}

_ep(routes, host) := {"kind": "python-app", "framework": "fastapi", "name": "app", "path": "api/main.py",
	"serves_model": true, "model_evidence": ["load:joblib.load"], "app_auth": [], "routes": routes,
	"binds": [{"host": host, "source": "uvicorn.run()"}], "debug": [], "loc": {"path": "api/main.py", "line": 5}}

test_fires_on_public_train_route if {
	vs := deny with input as {"serving": {"endpoints": [_ep([_route("/train", ["POST"], false)], "0.0.0.0")]}}
	some v in vs
	v.loc.line == 20
	v.severity == "high"
	contains(v.msg, "/train")
}

test_fires_on_delete_method_without_bind_as_medium if {
	e := object.union(_ep([_route("/models/{name}", ["DELETE"], false)], "0.0.0.0"), {"binds": []})
	some v in deny with input as {"serving": {"endpoints": [e]}}
	v.severity == "medium"
}

test_silent_on_predict_route if {
	count(deny) == 0 with input as {"serving": {"endpoints": [_ep([_route("/predict", ["POST"], false)], "0.0.0.0")]}}
}

test_silent_with_route_auth if {
	count(deny) == 0 with input as {"serving": {"endpoints": [_ep([_route("/train", ["POST"], true)], "0.0.0.0")]}}
}

test_silent_on_loopback if {
	count(deny) == 0 with input as {"serving": {"endpoints": [_ep([_route("/upload", ["POST"], false)], "127.0.0.1")]}}
}

test_silent_when_app_serves_no_model if {
	e := object.union(_ep([_route("/upload", ["POST"], false)], "0.0.0.0"), {"serves_model": false})
	count(deny) == 0 with input as {"serving": {"endpoints": [e]}}
}

test_fires_on_add_model_route if {
	some v in deny with input as {"serving": {"endpoints": [_ep([_route("/add_model", ["POST"], false)], "0.0.0.0")]}}
	contains(v.msg, "/add_model")
}

test_silent_on_stub_route if {
	stub := object.union(_route("/retrain", ["POST"], false), {"stub": true})
	count(deny) == 0 with input as {"serving": {"endpoints": [_ep([stub], "0.0.0.0")]}}
}
