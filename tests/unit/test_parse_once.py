"""Acceptance for the parse cache: a full scan of every example parses each file at most
once per format, and a file over a YAML limit gives exactly one notification and no fact
from any collector."""

from __future__ import annotations

import ast
import hashlib
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import mlscan.sourcemap
from mlscan.errors import FileReadError
from mlscan.scan import collect_facts
from mlscan.workspace import Workspace

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
VARIANTS = sorted(
    f"{s.name}/{v}"
    for s in EXAMPLES.iterdir()
    if s.is_dir()
    for v in ("insecure", "hardened")
    if (s / v).is_dir()
)
PARSERS = {
    "yaml": "parse_yaml_documents",
    "json": "parse_json",
    "ini": "parse_ini",
}


def _digest(text: str | bytes) -> str:
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def parse_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[tuple[str, str]]]:
    """Counts every parse mlscan itself makes, by (format, digest of the text); parses
    inside third-party tools (checkov) are not mlscan's and are not counted."""
    calls: Counter[tuple[str, str]] = Counter()

    def counting(fmt: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(text: Any, *args: Any, **kwargs: Any) -> Any:
            caller = sys._getframe(1).f_globals.get("__name__", "")
            if str(caller).startswith("mlscan"):
                calls[(fmt, _digest(text))] += 1
            return fn(text, *args, **kwargs)

        return wrapper

    for fmt, name in PARSERS.items():
        wrapped = counting(fmt, getattr(mlscan.sourcemap, name))
        # also every module that imported the parser by name
        for mod_name, mod in list(sys.modules.items()):
            if mod_name.startswith("mlscan") and getattr(mod, name, None) is not None:
                monkeypatch.setattr(mod, name, wrapped)
    monkeypatch.setattr(ast, "parse", counting("python", ast.parse))
    import hcl2

    monkeypatch.setattr(hcl2, "loads", counting("hcl", hcl2.loads))
    yield calls


def _texts(root: Path) -> Counter[str]:
    """How many workspace files hold each text (identical files may each be parsed)."""
    ws = Workspace.discover(root)
    found: Counter[str] = Counter()
    for f in ws.files:
        try:
            found[_digest(ws.read_text(f.path))] += 1
        except FileReadError:
            continue
    return found


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_example_file_is_parsed_at_most_once(
    variant: str, parse_calls: Counter[tuple[str, str]]
) -> None:
    root = EXAMPLES / variant
    collect_facts((str(root),))
    copies = _texts(root)
    assert parse_calls, "the scan parsed nothing: the counter is not wired"
    repeated = {
        key: n for key, n in parse_calls.items() if key[1] in copies and n > copies[key[1]]
    }
    assert repeated == {}


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


BOMB_MLMODEL = (
    "a: &a [x, x, x]\n"
    "b: &b [*a, *a, *a]\n"
    "c: &c [*b, *b, *b]\n"
    "flavors:\n  python_function: {loader_module: mlflow.sklearn}\n"
    "signature:\n  inputs: '[{\"name\": \"age\", \"type\": \"long\"}]'\n"
)


def _deep_compose(levels: int) -> str:
    body = "x"
    for i in range(levels):
        body = f"{{k{i}: {body}}}"
    return (
        "services:\n  tracking:\n    image: ghcr.io/mlflow/mlflow:v2.9.2\n"
        # text searches (artifact-root links, MLServer's Kafka switch) must not read it
        "    command: mlflow server --host 0.0.0.0 --default-artifact-root s3://acme-models\n"
        "    environment:\n      MLSERVER_KAFKA_ENABLED: 'true'\n"
        f"    labels: {body}\n"
    )


def _locations(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        if "path" in value and "line" in value:
            yield value
        for v in value.values():
            yield from _locations(v)
    elif isinstance(value, list):
        for v in value:
            yield from _locations(v)


def test_yaml_limit_gives_one_notification_and_no_fact(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            ".mlscan.yaml": "limits:\n  max_yaml_aliases: 4\n  max_nesting_depth: 20\n",
            "models/credit/MLmodel": BOMB_MLMODEL,
            "models/credit/model.pkl": "",
            "docker-compose.yml": _deep_compose(40),
            # a sane neighbour whose facts must stay
            "deploy/compose.yaml": (
                "services:\n  tracking:\n    image: ghcr.io/mlflow/mlflow:v2.9.2\n"
                "    command: mlflow server --host 0.0.0.0\n"
            ),
        },
    )
    fr = collect_facts((str(tmp_path),))
    for hostile in ("models/credit/MLmodel", "docker-compose.yml"):
        notes = [n for n in fr.notifications if n.path == hostile]
        assert len(notes) == 1, notes
        assert notes[0].source == "parse"
        assert "limits.max_" in notes[0].message
        # no fact located in the file (a signature manifest may still hash its bytes)
        assert [loc for loc in _locations(fr.facts) if loc["path"] == hostile] == []
    servers = fr.facts["mlflow"]["servers"]
    assert [s["loc"]["path"] for s in servers] == ["deploy/compose.yaml"]
