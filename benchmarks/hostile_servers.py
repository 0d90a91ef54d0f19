"""Hostile servers and policies: wall time and peak RSS of ``mlscan scan`` for each case.

Every case runs the real CLI in a subprocess against a local stdlib server on 127.0.0.1
(tests/security/servers.py) or with a hostile repository policy, and prints the exit
code, the wall time, the peak RSS of the scan process (its policy child included: the
kernel reports the larger) and the first line of the error or the number of limit
notifications. Limits are the defaults unless the case says otherwise; slow-server
cases shorten the deadline so that the whole run stays within a couple of minutes.

    python benchmarks/hostile_servers.py [--only NAME]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.security import servers  # noqa: E402

SENTINEL = 'FROM python:3.12-slim\nCMD ["mlflow", "server", "--host", "0.0.0.0"]\n'
POLICY_HEAD = """# METADATA
# title: Benchmark {name}
# description: A hostile repository policy.
# custom:
#   id: BENCH-{upper}-001
#   severity: low
#   stride: [denial-of-service]
#   remediation: None.
package mlscan.controls.bench.{name}

import rego.v1

"""
SPIN = """deny contains v if {
	r := numbers.range(1, 20000)
	n := count({x | some a in r; some b in r; x := a * b})
	n < 0
	v := {"msg": "never", "loc": {"path": "x"}, "asset": "x"}
}
"""
HOG = """deny contains v if {
	big := [sprintf("%d-grows-and-grows", [x]) | some x in numbers.range(1, 500000000)]
	count(big) < 0
	v := {"msg": "never", "loc": {"path": "x"}, "asset": "x"}
}
"""


def _path(h: BaseHTTPRequestHandler) -> tuple[str, dict[str, str]]:
    url = urllib.parse.urlsplit(h.path)
    return url.path, {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}


def endless_models(h: BaseHTTPRequestHandler) -> None:
    path, q = _path(h)
    if path.endswith("registered-models/search"):
        n = int(q.get("page_token", "0"))
        servers.send_json(h, {"registered_models": [{"name": f"m{n}-{i}"} for i in range(1000)],
                              "next_page_token": str(n + 1)})
    else:
        servers.send_json(h, {"model_versions": []})


def repeating_token(h: BaseHTTPRequestHandler) -> None:
    path, _ = _path(h)
    if path.endswith("registered-models/search"):
        servers.send_json(h, {"registered_models": [{"name": "m"}], "next_page_token": "same"})
    else:
        servers.send_json(h, {"model_versions": []})


def wide_artifacts(h: BaseHTTPRequestHandler) -> None:
    path, q = _path(h)
    if path.endswith("registered-models/search"):
        servers.send_json(h, {"registered_models": [{"name": f"m{i}"} for i in range(20)]})
    elif path.endswith("model-versions/search"):
        name = q.get("filter", "").split("'")[1]
        servers.send_json(h, {"model_versions": [
            {"name": name, "version": "1", "source": "runs:/r/model"}]})
    elif path.endswith("artifacts/list"):
        sub = q.get("path", "")
        servers.send_json(h, {"files": [{"path": f"{sub}/d{i}", "is_dir": True}
                                        for i in range(200)]})
    else:
        servers.send_json(h, {}, status=404)


def slow_status(h: BaseHTTPRequestHandler) -> None:
    servers.drip(h, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", every=1.0, limit=60)


def huge_answer(h: BaseHTTPRequestHandler) -> None:
    servers.stream_unsized(h, 1024 * 1024 * 1024)


def deep_answer(h: BaseHTTPRequestHandler) -> None:
    depth = 5_000_000
    servers.send_bytes(h, b'{"result": ' + b"[" * depth + b"]" * depth + b"}")


@contextmanager
def redirector(target: str) -> Iterator[str]:
    with servers.serve(lambda h: servers.redirect(h, target + h.path)) as s:
        yield s.url


def tree(tmp: Path, name: str, config: str = "", policy: str = "") -> Path:
    root = tmp / name
    root.mkdir()
    (root / "Dockerfile").write_text(SENTINEL, encoding="utf-8")
    if policy:
        pol = root / "policies"
        pol.mkdir()
        (pol / f"{name}.rego").write_text(
            POLICY_HEAD.format(name=name, upper=name.upper()) + policy, encoding="utf-8")
    if config:
        (root / ".mlscan.yaml").write_text(config, encoding="utf-8")
    return root


def measure(args: list[str], env: dict[str, str]) -> tuple[int, float, float, str]:
    full = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", **env}
    with tempfile.TemporaryFile() as out_f, tempfile.TemporaryFile() as err_f:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "mlscan", "scan", *args, "--format", "json"],
            stdout=out_f, stderr=err_f, env=full)
        _, status, usage = os.wait4(proc.pid, 0)  # this process's own peak RSS
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        rss_mb = usage.ru_maxrss / 1024
        out_f.seek(0)
        err_f.seek(0)
        out, err = out_f.read(), err_f.read()
    if proc.returncode == 2:
        detail = err.decode("utf-8", "replace").strip().splitlines()[-1][:150]
    else:
        doc = json.loads(out)
        limits = [n for n in doc.get("notifications", [])
                  if n.get("kind") == "registry-limit"]
        detail = f"{len(doc.get('findings', []))} findings; " + "; ".join(
            n["message"][:90] for n in limits[:2])
    return proc.returncode, wall, rss_mb, detail


Case = Callable[[Path], tuple[int, float, float, str]]


def mlflow_case(route: servers.Route, *extra: str) -> Case:
    def run(tmp: Path) -> tuple[int, float, float, str]:
        root = tree(tmp, "mlflow")
        with servers.serve(route) as s:
            return measure([str(root), "--mlflow-uri", s.url, *extra],
                           {"MLFLOW_TRACKING_TOKEN": "bench-token"})
    return run


def cross_origin(tmp: Path) -> tuple[int, float, float, str]:
    root = tree(tmp, "cross")
    with servers.serve(endless_models) as other, redirector(other.url) as url:
        got = measure([str(root), "--mlflow-uri", url], {"MLFLOW_TRACKING_TOKEN": "bench"})
        assert other.seen == [], "the other origin was contacted"
    return got


def ftp_redirect(tmp: Path) -> tuple[int, float, float, str]:
    root = tree(tmp, "ftp")
    with redirector("ftp://127.0.0.1") as url:
        return measure([str(root), "--mlflow-uri", url], {"MLFLOW_TRACKING_TOKEN": "bench"})


def opa_case(route: servers.Route, config: str = "") -> Case:
    def run(tmp: Path) -> tuple[int, float, float, str]:
        root = tree(tmp, "opa")
        args = [str(root)]
        if config:
            cfg = tmp / "ci.yaml"
            cfg.write_text(config, encoding="utf-8")
            args += ["--config", str(cfg)]
        with servers.serve(route) as s:
            return measure([*args, "--opa-url", s.url, "--opa-use-server-policies"], {})
    return run


def policy_case(name: str, body: str, limits: str) -> Case:
    def run(tmp: Path) -> tuple[int, float, float, str]:
        root = tree(tmp, name, f"policies: [policies]\nlimits:\n{limits}", body)
        return measure([str(root)], {})
    return run


CASES: dict[str, Case] = {
    "mlflow-cross-origin-redirect": cross_origin,
    "mlflow-redirect-to-ftp": ftp_redirect,
    "mlflow-slowloris-status-line (--mlflow-deadline 5)": mlflow_case(
        slow_status, "--mlflow-deadline", "5"),
    "mlflow-repeating-page-token": mlflow_case(repeating_token),
    "mlflow-endless-listing": mlflow_case(endless_models),
    "mlflow-artifact-fan-out": mlflow_case(wide_artifacts),
    "opa-1GiB-answer": opa_case(huge_answer),
    "opa-5M-deep-answer": opa_case(deep_answer),
    "opa-slowloris (opa_request_deadline 5)": opa_case(
        slow_status, "limits:\n  opa_request_deadline: 5\n"),
    "policy-spin (policy_timeout 10)": policy_case("spin", SPIN, "  policy_timeout: 10\n"),
    "policy-hog (policy_memory 512 MiB)": policy_case(
        "hog", HOG, "  policy_memory: 536870912\n"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run only the cases whose name contains this")
    ns = parser.parse_args()
    print(f"{'case':<52} {'exit':>4} {'wall s':>7} {'peak MB':>8}  outcome")
    for name, case in CASES.items():
        if ns.only and ns.only not in name:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            code, wall, rss, detail = case(Path(tmp))
        print(f"{name:<52} {code:>4} {wall:>7.1f} {rss:>8.0f}  {detail}", flush=True)


if __name__ == "__main__":
    main()
