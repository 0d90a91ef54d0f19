"""The embedded Rego engine: regorus (PyPI ``gordon-to-regorus``), in process."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from mlscan.controls import PolicySet
from mlscan.engine.base import RawViolations, collect_denies
from mlscan.errors import EngineError, PolicyError

_LOCATION = re.compile(r"-->\s*(?P<file>.+?):(?P<line>\d+):(?P<col>\d+)")


def _reason(text: str) -> str:
    """The ``error:`` line of a regorus message (its first line otherwise)."""
    for line in text.strip().splitlines():
        line = line.strip()
        if line.startswith("error:"):
            return line.removeprefix("error:").strip()
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return lines[0] if lines else "unknown error"


def rego_error(shown: str, exc: Exception) -> PolicyError:
    """A regorus parse/compile error as a PolicyError naming the file, line and reason."""
    text = str(exc).split("Stack backtrace")[0]
    m = _LOCATION.search(text)
    line = int(m.group("line")) if m else None
    return PolicyError(shown, f"Rego error: {_reason(text)}", line)


def new_engine() -> Any:
    """A fresh regorus engine in Rego v1 mode (shared with ``mlscan policy test``)."""
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
        self._engine = new_engine()
        for f in policies.files:
            try:
                self._engine.add_policy(f.shown, f.text)
            except Exception as exc:  # regorus raises RuntimeError carrying "--> file:line:col"
                raise rego_error(f.shown, exc) from exc

    @property
    def raw(self) -> Any:
        """The underlying regorus engine (used by ``mlscan policy test``)."""
        return self._engine

    def evaluate(self, facts: Mapping[str, Any]) -> RawViolations:
        engine = self._engine
        engine.set_input_json(json.dumps(facts))
        try:
            result = json.loads(engine.eval_query_as_json("data.mlscan.controls"))
        except Exception as exc:  # the same "--> file:line:col ... error: ..." text
            text = str(exc).split("Stack backtrace")[0]
            m = _LOCATION.search(text)
            where = f" in {m.group('file')}:{m.group('line')}" if m else ""
            raise EngineError(f"policy evaluation failed{where}: {_reason(text)}") from exc
        rows = result.get("result") or []
        if not rows:
            return {}
        value = rows[0]["expressions"][0]["value"]
        return collect_denies(value)
