"""The embedded regorus engine: policy errors with file and line, deny sets per package."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlscan.controls import load_policy_set
from mlscan.engine.base import collect_denies
from mlscan.engine.embedded import EmbeddedEngine
from mlscan.errors import EngineError, PolicyError


def _control(package: str, cid: str, body: str) -> str:
    return (
        "# METADATA\n"
        f"# title: Control {cid}\n"
        "# custom:\n"
        f"#   id: {cid}\n"
        "#   severity: medium\n"
        "#   stride: [tampering]\n"
        f"package {package}\n"
        "\n"
        "import rego.v1\n"
        "\n" + body
    )


DENY_BY_NAME = """\
deny contains v if {
	some r in input.tst.items
	r.open
	v := {"msg": sprintf("%s is open", [r.name]), "loc": r.loc, "asset": r.name}
}
"""

DENY_PUBLIC = """\
deny contains v if {
	some r in input.tst.items
	r.public
	v := {"msg": sprintf("%s is public", [r.name]), "loc": r.loc, "asset": r.name}
}
"""


def _write(root: Path, rel: str, text: str) -> Path:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def _engine(root: Path) -> EmbeddedEngine:
    return EmbeddedEngine(load_policy_set([root], include_builtin=False))


def _loc(line: int) -> dict[str, object]:
    return {"path": "cfg.yaml", "line": line, "col": 1, "end_line": line, "end_col": 5}


FACTS = {
    "schema_version": "1",
    "tst": {
        "items": [
            {"name": "a", "open": True, "public": False, "loc": _loc(1)},
            {"name": "b", "open": True, "public": True, "loc": _loc(2)},
            {"name": "c", "open": False, "public": False, "loc": _loc(3)},
        ]
    },
}


def test_evaluation_returns_each_package_deny_set(tmp_path: Path) -> None:
    _write(
        tmp_path, "tst/open.rego", _control("mlscan.controls.tst.open", "MLS-TST-001", DENY_BY_NAME)
    )
    # a package nested below another control package is collected too
    _write(
        tmp_path,
        "tst/open/public.rego",
        _control("mlscan.controls.tst.open.public", "MLS-TST-002", DENY_PUBLIC),
    )
    _write(tmp_path, "lib/util.rego", "package mlscan.lib.util\n\nimport rego.v1\n\nx := 1\n")
    raw = _engine(tmp_path).evaluate(FACTS)
    assert set(raw) == {"mlscan.controls.tst.open", "mlscan.controls.tst.open.public"}
    opened = sorted(raw["mlscan.controls.tst.open"], key=lambda v: str(v["asset"]))
    assert opened == [
        {"msg": "a is open", "loc": _loc(1), "asset": "a"},
        {"msg": "b is open", "loc": _loc(2), "asset": "b"},
    ]
    assert raw["mlscan.controls.tst.open.public"] == [
        {"msg": "b is public", "loc": _loc(2), "asset": "b"}
    ]


def test_no_violations_gives_empty_deny_sets(tmp_path: Path) -> None:
    _write(tmp_path, "a.rego", _control("mlscan.controls.tst.open", "MLS-TST-001", DENY_BY_NAME))
    engine = _engine(tmp_path)
    assert engine.evaluate({"schema_version": "1"}) == {"mlscan.controls.tst.open": []}
    # the same engine evaluates new facts each time (no state kept between scans)
    assert len(engine.evaluate(FACTS)["mlscan.controls.tst.open"]) == 2
    assert engine.evaluate({"tst": {"items": []}}) == {"mlscan.controls.tst.open": []}


def test_no_control_packages_gives_nothing(tmp_path: Path) -> None:
    _write(tmp_path, "lib.rego", "package mlscan.lib.x\n\nimport rego.v1\n\ny := 2\n")
    assert _engine(tmp_path).evaluate(FACTS) == {}


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    bad = _control(
        "mlscan.controls.tst.bad",
        "MLS-TST-003",
        "deny contains v if {\n\tv := \n}\n",
    )
    p = _write(tmp_path, "tst/bad.rego", bad)
    with pytest.raises(PolicyError) as err:
        _engine(tmp_path)
    assert err.value.path == p.as_posix()
    assert err.value.line == 12
    text = str(err.value)
    assert text.startswith(f"policy {p.as_posix()}:12: Rego error: ")
    assert "expecting `}`" in text  # the parser's own words, not the caret diagram
    assert "\n" not in text and "-->" not in text


def test_rego_v0_syntax_is_rejected_with_its_line(tmp_path: Path) -> None:
    p = _write(
        tmp_path,
        "old.rego",
        "package mlscan.lib.old\n\ndeny[v] { v := 1 }\n",
    )
    with pytest.raises(PolicyError) as err:
        _engine(tmp_path)
    assert err.value.path == p.as_posix() and err.value.line == 3
    assert "`if` keyword is required" in str(err.value)


def test_runtime_error_is_an_engine_error_with_the_rule_position(tmp_path: Path) -> None:
    body = 'deny contains v if {\n\tv := {"msg": "x", "n": to_number(input.s)}\n}\n'
    p = _write(tmp_path, "n.rego", _control("mlscan.controls.tst.num", "MLS-TST-004", body))
    engine = _engine(tmp_path)
    with pytest.raises(EngineError) as err:
        engine.evaluate({"s": "not a number"})
    text = str(err.value)
    assert text.startswith(f"policy evaluation failed in {p.as_posix()}:12: ")
    assert "could not parse string as number" in text
    assert "\n" not in text


def test_collect_denies_walks_nested_packages() -> None:
    tree = {
        "a": {"deny": [{"msg": "1"}, "not an object"], "b": {"deny": [{"msg": "2"}]}},
        "c": {"helper": {"x": 1}, "deny": {"not": "a list"}},
        "d": 5,
    }
    # items are kept as they are; findings.to_violations rejects what is not an object
    assert collect_denies(tree) == {
        "mlscan.controls.a": [{"msg": "1"}, "not an object"],
        "mlscan.controls.a.b": [{"msg": "2"}],
        "mlscan.controls.c": [{"not": "a list"}],
    }
    assert collect_denies({"deny": []}, prefix="p") == {"p": []}
    assert collect_denies(None) == {}


def test_string_denies_are_an_error_not_silently_nothing(tmp_path: Path) -> None:
    from mlscan.findings import to_violations

    body = "deny contains msg if {\n\tsome r in input.tst.items\n\tmsg := r.name\n}\n"
    _write(tmp_path, "s.rego", _control("mlscan.controls.tst.strings", "MLS-TST-005", body))
    policies = load_policy_set([tmp_path], include_builtin=False)
    raw = EmbeddedEngine(policies).evaluate(FACTS)
    assert sorted(raw["mlscan.controls.tst.strings"]) == ["a", "b", "c"]
    with pytest.raises(EngineError) as err:
        to_violations(raw, policies)
    assert "control MLS-TST-005" in str(err.value)
    assert "produced a string in 'deny'" in str(err.value)
    assert "'a'" not in str(err.value)  # the denied value itself is not echoed


def test_boolean_deny_is_an_error(tmp_path: Path) -> None:
    from mlscan.findings import to_violations

    body = "deny if {\n\tsome r in input.tst.items\n\tr.open\n}\n"
    _write(tmp_path, "b.rego", _control("mlscan.controls.tst.boolean", "MLS-TST-006", body))
    policies = load_policy_set([tmp_path], include_builtin=False)
    raw = EmbeddedEngine(policies).evaluate(FACTS)
    assert raw == {"mlscan.controls.tst.boolean": [True]}
    with pytest.raises(EngineError, match="produced a boolean in 'deny'"):
        to_violations(raw, policies)


def test_only_deny_rules_are_evaluated(tmp_path: Path) -> None:
    # A helper rule that no deny uses is never evaluated: its runtime error cannot
    # surface, and its value is not copied back (the query asks for deny sets alone).
    body = DENY_BY_NAME + '\nunused_helper := to_number("not a number")\n'
    _write(tmp_path, "h.rego", _control("mlscan.controls.tst.helper", "MLS-TST-007", body))
    raw = _engine(tmp_path).evaluate(FACTS)
    assert sorted(v["asset"] for v in raw["mlscan.controls.tst.helper"]) == ["a", "b"]


def test_undefined_boolean_deny_leaves_the_other_packages_intact(tmp_path: Path) -> None:
    body = "deny if {\n\tsome r in input.tst.items\n\tr.name == \"zzz\"\n}\n"
    _write(tmp_path, "b.rego", _control("mlscan.controls.tst.never", "MLS-TST-008", body))
    _write(tmp_path, "o.rego", _control("mlscan.controls.tst.open", "MLS-TST-001", DENY_BY_NAME))
    raw = _engine(tmp_path).evaluate(FACTS)
    assert set(raw) == {"mlscan.controls.tst.open"}
    assert len(raw["mlscan.controls.tst.open"]) == 2


def test_deny_query_names_every_control_package_once() -> None:
    from mlscan.engine.embedded import deny_query

    q = deny_query(["mlscan.controls.b.x", "mlscan.controls.a.y", "mlscan.controls.b.x"])
    assert q.count('data["mlscan"]["controls"]["a"]["y"].deny') == 1
    assert q.count('data["mlscan"]["controls"]["b"]["x"].deny') == 1
    assert q.index('"mlscan.controls.a.y"') < q.index('"mlscan.controls.b.x"')


def test_input_encoding_falls_back_for_values_orjson_refuses() -> None:
    import json

    from mlscan.engine.embedded import encode_input

    assert json.loads(encode_input({"a": [1, "é", None]})) == {"a": [1, "é", None]}
    big = {"size": 2**70}
    assert json.loads(encode_input(big)) == big
    odd = {"path": "bad\udcffname"}
    assert encode_input(odd) == '{"path":"bad\\udcffname"}'


def test_facts_beyond_what_orjson_encodes_still_evaluate(tmp_path: Path) -> None:
    _write(tmp_path, "o.rego", _control("mlscan.controls.tst.open", "MLS-TST-001", DENY_BY_NAME))
    facts = {"tst": {"items": [{"name": "big", "open": True, "size": 2**70, "loc": _loc(1)}]}}
    raw = _engine(tmp_path).evaluate(facts)
    assert [v["asset"] for v in raw["mlscan.controls.tst.open"]] == ["big"]
