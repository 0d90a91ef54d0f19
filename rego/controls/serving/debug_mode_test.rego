package mlscan.controls.serving.debug_mode

import rego.v1

_ep(host, serves) := {"kind": "python-app", "framework": "flask", "name": "app", "path": "app.py",
	"serves_model": serves, "model_evidence": [], "app_auth": [], "routes": [],
	"binds": [{"host": host, "source": "app.run()"}],
	"debug": [{"source": "app.run(debug=True)", "loc": {"path": "app.py", "line": 30}}],
	"loc": {"path": "app.py", "line": 4}}

test_fires_on_public_debug_app if {
	some v in deny with input as {"serving": {"endpoints": [_ep("0.0.0.0", true)]}}
	v.loc.line == 30
}

test_silent_on_loopback_debug if {
	count(deny) == 0 with input as {"serving": {"endpoints": [_ep("127.0.0.1", true)]}}
}

test_silent_without_model if {
	count(deny) == 0 with input as {"serving": {"endpoints": [_ep("0.0.0.0", false)]}}
}
