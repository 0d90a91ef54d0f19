"""The embedded Rego engine: regorus (PyPI ``gordon-to-regorus``), in process."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from mlscan.controls import PolicySet
from mlscan.engine import budget
from mlscan.engine.base import RawViolations
from mlscan.engine.budget import Budget
from mlscan.errors import EngineError, PolicyError

_LOCATION = re.compile(r"-->\s*(?P<file>.+?):(?P<line>\d+):(?P<col>\d+)")


def reason(text: str) -> str:
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
    return PolicyError(shown, f"Rego error: {reason(text)}", line)


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


def deny_query(packages: Iterable[str]) -> str:
    """One query for the ``deny`` rule of each control package, and nothing else.

    Asking for ``data.mlscan.controls`` as a whole would evaluate (and serialise back to
    Python) every helper rule of every package too, several times the work and the
    output. Each package is wrapped in a comprehension so that a package whose ``deny`` is
    undefined contributes nothing instead of making the whole query undefined.
    """
    parts = []
    for package in sorted(set(packages)):
        ref = "data" + "".join(f"[{json.dumps(seg)}]" for seg in package.split("."))
        parts.append(f"{{{json.dumps(package)}: d | d := {ref}.deny}}")
    return "x := object.union_n([\n" + ",\n".join(parts) + "\n])"


def encode_input(facts: Mapping[str, Any]) -> str:
    """The fact document as compact JSON for the engine. orjson is several times faster
    than the standard library on large documents; the standard library takes over for the
    few values orjson refuses (integers beyond 64 bits, lone surrogates in strings)."""
    import orjson

    try:
        return orjson.dumps(facts).decode("utf-8")
    except TypeError:
        return json.dumps(facts, separators=(",", ":"))


class EmbeddedEngine:
    name = "embedded"

    def __init__(self, policies: PolicySet, budget: Budget | None = None) -> None:
        self._policies = policies
        self._budget = budget
        self._query = deny_query(c.package for c in policies.controls)
        self._engine = new_engine()
        for f in policies.files:
            try:
                self._engine.add_policy(f.shown, f.text)
            except Exception as exc:  # regorus raises RuntimeError carrying "--> file:line:col"
                raise rego_error(f.shown, exc) from exc

    @property
    def query(self) -> str:
        """The query ``evaluate`` runs (benchmarks time its phases separately)."""
        return self._query

    @property
    def raw(self) -> Any:
        """The underlying regorus engine (used by ``mlscan policy test``)."""
        return self._engine

    def data(self, ref: str, facts: Mapping[str, Any] | None = None) -> Any:
        """The value of ``data.<ref>`` (dotted) on ``facts`` (an empty input by default);
        None when it is undefined. Used for policy data the scan needs before the
        controls run, such as the checkov checks the policy maps."""
        engine = self._engine
        text = encode_input(facts or {})
        path = "data" + "".join(f"[{json.dumps(seg)}]" for seg in ref.split("."))

        def answer() -> str:
            engine.set_input_json(text)
            return str(engine.eval_query_as_json(f"x := {path}"))

        try:
            raw = answer() if self._budget is None else budget.run(answer, self._budget)
            result = json.loads(raw)
        except EngineError:
            raise  # the budget ran out
        except Exception as exc:
            text = str(exc).split("Stack backtrace")[0]
            raise EngineError(f"policy evaluation of data.{ref} failed: {reason(text)}") from exc
        rows = result.get("result") or []
        return rows[0]["bindings"]["x"] if rows else None

    def evaluate(self, facts: Mapping[str, Any]) -> RawViolations:
        engine = self._engine
        text = encode_input(facts)

        def answer() -> str:
            engine.set_input_json(text)
            return str(engine.eval_query_as_json(self._query))

        try:
            raw = answer() if self._budget is None else budget.run(answer, self._budget)
            result = json.loads(raw)
        except EngineError:
            raise  # the budget ran out
        except Exception as exc:  # the same "--> file:line:col ... error: ..." text
            message = str(exc).split("Stack backtrace")[0]
            m = _LOCATION.search(message)
            where = f" in {m.group('file')}:{m.group('line')}" if m else ""
            raise EngineError(f"policy evaluation failed{where}: {reason(message)}") from exc
        rows = result.get("result") or []
        if not rows:
            return {}
        value = rows[0]["bindings"]["x"]
        return {
            package: list(deny) if isinstance(deny, list) else [deny]
            for package, deny in value.items()
        }
