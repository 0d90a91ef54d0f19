"""Python model APIs and the serving path (tests/fixtures/serving/python_apis):

* an app bound to every interface without authentication is reported where it is
  opened - the Procfile web line, the Dockerfile CMD, the ``uvicorn.run`` call whose host
  comes from a committed ``.env`` - medium for prediction only, high with an open
  state-changing route; an app guarded by an API-key hook is not;
* unsafe loads are high on a serving path (an app module or a module it imports, such as
  a registry loader using a pickle-based MLflow flavour) and low elsewhere (a batch job,
  a developer helper nobody imports, whatever its folder);
* a router mounted by an app (``include_router``) is bound where the app is, and a
  script that runs an app it imports binds that app;
* a stub route that only returns a literal changes nothing;
* a handler that hands the request to a function rejecting the wrong shape
  (``isinstance`` / key checks that raise) validates its input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlscan.scan import ScanOptions, collect_facts, run

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "serving" / "python_apis"


def _findings() -> list[tuple[str, str, int | None, str]]:
    result = run(ScanOptions(paths=(str(FIX),)))
    return sorted(
        (f.control.id, f.location.path, f.location.start_line, f.severity)
        for f in result.findings
    )


def _facts() -> dict[str, Any]:
    return collect_facts((str(FIX),)).facts


def test_findings_at_exact_lines_and_severities() -> None:
    assert _findings() == [
        # /similar reads the body with no check; /invocations hands it to a helper in
        # another module that rejects anything but {"question": ...}
        ("MLS-ROB-002", "checked/handler.py", 21, "medium"),
        ("MLS-SRV-001", "boxed/Dockerfile", 7, "medium"),  # CMD uvicorn --host 0.0.0.0
        ("MLS-SRV-001", "envbound/app/server.py", 29, "high"),  # host from .env, /retrain
        ("MLS-SRV-001", "envimage/Dockerfile", 5, "medium"),  # --host $APP_HOST, ENV above
        ("MLS-SRV-001", "heroku_reviews/Procfile", 1, "medium"),  # Heroku web process
        ("MLS-SRV-001", "routed/main.py", 15, "high"),  # binds the app mounting the router
        ("MLS-SRV-001", "runner/run_site.py", 4, "medium"),  # runs the app it imports
        ("MLS-SRV-001", "strrun/run.py", 4, "medium"),  # uvicorn.run("service.app:api")
        ("MLS-SRV-005", "boxed/jobs/batch_score.py", 8, "low"),  # batch job, not serving
        ("MLS-SRV-005", "boxed/service/inspect_model.py", 4, "low"),  # helper nobody imports
        ("MLS-SRV-005", "boxed/service/loader.py", 6, "high"),  # imported by the app
        ("MLS-SRV-005", "boxed/service/loader.py", 10, "high"),
        ("MLS-SRV-005", "checked/handler.py", 8, "high"),
        ("MLS-SRV-005", "envbound/app/server.py", 10, "high"),
        ("MLS-SRV-005", "guarded/api.py", 8, "high"),  # guarded, but still a serving path
        ("MLS-SRV-005", "routed/routers/scoring.py", 6, "high"),
        ("MLS-SRV-005", "strrun/service/app.py", 6, "high"),
        ("MLS-SRV-006", "envbound/app/server.py", 22, "high"),  # /retrain fits the model
        ("MLS-SRV-006", "routed/routers/scoring.py", 18, "high"),  # public through main.py
        ("MLS-SUP-001", "heroku_reviews/reviews.py", 6, "medium"),
    ]


def test_messages_name_the_bind_and_the_serving_path() -> None:
    result = run(ScanOptions(paths=(str(FIX),)))
    by_key = {(f.control.id, f.location.path, f.location.start_line): f.message
              for f in result.findings}  # fmt: skip
    assert "bound to 0.0.0.0 (uvicorn.run()) from envbound/.env:2" in by_key[
        ("MLS-SRV-001", "envbound/app/server.py", 29)
    ]
    assert "with no authentication on POST /classify" in by_key[
        ("MLS-SRV-001", "heroku_reviews/Procfile", 1)
    ]
    assert "from models:/{}/{}: the flavour unpickles the model; on a serving path " \
        "(imported by boxed/service/main.py; entry boxed/service/main.py)" in by_key[
        ("MLS-SRV-005", "boxed/service/loader.py", 10)
    ]
    assert "not reached from any model-server entry point" in by_key[
        ("MLS-SRV-005", "boxed/jobs/batch_score.py", 8)
    ]


def test_code_paths_fact() -> None:
    paths = {p["path"]: p for p in _facts()["serving"]["code_paths"]}
    assert sorted(paths) == [
        "boxed/service/__init__.py",
        "boxed/service/loader.py",
        "boxed/service/main.py",
        "checked/answer.py",
        "checked/handler.py",
        "envbound/app/server.py",
        "envimage/app/api.py",
        "guarded/api.py",
        "heroku_reviews/reviews.py",
        "routed/main.py",
        "routed/routers/scoring.py",
        "runner/webapp.py",
        "strrun/service/app.py",
    ]
    assert paths["boxed/service/loader.py"] == {
        "path": "boxed/service/loader.py", "entry": "boxed/service/main.py",
        "reason": "imported by boxed/service/main.py", "via": "boxed/service/main.py",
    }  # fmt: skip
    assert paths["guarded/api.py"]["reason"] == "web-app:flask"


def test_bind_from_env_file_and_stub_route_facts() -> None:
    endpoints = {e["path"]: e for e in _facts()["serving"]["endpoints"]}
    (run_bind,) = endpoints["envbound/app/server.py"]["binds"]
    assert (run_bind["host"], run_bind["host_env"]) == ("0.0.0.0", "BIND_ADDR")
    assert (run_bind["host_from"]["path"], run_bind["host_from"]["line"]) == ("envbound/.env", 2)
    routes = {r["path"]: r for r in endpoints["boxed/service/main.py"]["routes"]}
    assert (routes["/retrain"]["stub"], routes["/score"]["stub"]) == (True, False)


def test_manual_check_is_validation_evidence() -> None:
    handlers = {h["function"]: h for h in _facts()["robustness"]["serving"]
                if h["path"] == "checked/handler.py"}  # fmt: skip
    (check,) = handlers["invocations"]["validation"]
    assert (check["kind"], check["name"], check["loc"]["path"], check["loc"]["line"]) == (
        "manual-check", "answer", "checked/answer.py", 2
    )
    assert handlers["similar"]["validation"] == []


def test_routers_and_runners_take_the_binds_of_their_app() -> None:
    endpoints = {e["path"]: e for e in _facts()["serving"]["endpoints"]}
    (router_bind,) = endpoints["routed/routers/scoring.py"]["binds"]
    assert (router_bind["host"], router_bind["included_by"], router_bind["loc"]["line"]) == (
        "0.0.0.0", "routed/main.py", 15
    )
    (run_bind,) = endpoints["runner/webapp.py"]["binds"]
    assert (run_bind["run_by"], run_bind["loc"]["path"]) == ("runner/run_site.py",) * 2


def test_shell_form_command_takes_the_dockerfile_env_values() -> None:
    endpoints = {e["path"]: e for e in _facts()["serving"]["endpoints"]}
    (bind,) = endpoints["envimage/app/api.py"]["binds"]
    assert (bind["host"], bind["port"], bind["loc"]["line"]) == ("0.0.0.0", "8500", 5)
