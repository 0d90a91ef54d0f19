"""The embedded Rego engine: regorus (PyPI ``gordon-to-regorus``), in process."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from mlscan.controls import PolicySet
from mlscan.engine.base import RawViolations, collect_denies
from mlscan.errors import EngineError, PolicyError

_WHERE = re.compile(r"^\s*-->\s*(?P<path>.+?):(?P<line>\d+):\d+\s*$", re.MULTILINE)
_ERROR = re.compile(r"^\s*error:\s*(?P<text>.+?)\s*$", re.MULTILINE)


def _describe(exc: BaseException) -> tuple[str, str | None, int | None]:
    """(error text, file, line) of a regorus error. Its text is a caret diagram,
    ``--> file:line:col`` then the source line then ``error: ...``, then a backtrace."""
    text = str(exc)
    where = _WHERE.search(text)
    error = _ERROR.search(text)
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    message = error.group("text") if error else (lines[0] if lines else type(exc).__name__)
    if where is None:
        return message, None, None
    return message, where.group("path"), int(where.group("line"))


def _engine() -> Any:
    try:
        import regorus
    except ImportError as exc:  # pragma: no cover - packaging error
        raise EngineError(
            "the embedded Rego engine is missing; reinstall mlscan (needs gordon-to-regorus)"
        ) from exc
    engine = regorus.Engine()
    engine.set_rego_v0(False)
    return engine


class EmbeddedEngine:
    name = "embedded"

    def __init__(self, policies: PolicySet) -> None:
        self._policies = policies
        self._engine = _engine()
        for f in policies.files:
            try:
                self._engine.add_policy(f.shown, f.text)
            except Exception as exc:  # regorus raises a plain RuntimeError with the position
                message, _, line = _describe(exc)
                raise PolicyError(f.shown, f"Rego error: {message}", line) from exc

    @property
    def raw(self) -> Any:
        """The underlying regorus engine (used by ``mlscan policy test``)."""
        return self._engine

    def evaluate(self, facts: Mapping[str, Any]) -> RawViolations:
        engine = self._engine
        engine.set_input_json(json.dumps(facts))
        try:
            result = json.loads(engine.eval_query_as_json("data.mlscan.controls"))
        except Exception as exc:
            message, path, line = _describe(exc)
            where = f" in {path}:{line}" if path else ""
            raise EngineError(f"policy evaluation failed{where}: {message}") from exc
        rows = result.get("result") or []
        if not rows:
            return {}
        value = rows[0]["expressions"][0]["value"]
        return collect_denies(value)
