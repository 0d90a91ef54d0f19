"""Position-keeping parsers: values, exact 1-based spans (end_col exclusive), limits, and
the promise that a bad file raises SourceError and nothing else."""

from __future__ import annotations

import contextlib
import io
import json
import math

import configobj
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlscan.sourcemap import SourceError, Span, parse_ini, parse_json, parse_yaml_documents


def _text_at(text: str, span: Span) -> str:
    """The source text a single-line span covers."""
    assert span.line == span.end_line
    line = text.split("\n")[span.line - 1]
    return line[span.col - 1 : span.end_col - 1]


# ----------------------------------------------------------------------------- YAML
YAML_DOC = """\
# leading comment
remotes:
  storage:
    url: s3://acme-models/dvc
    region: "eu-west-1"
  count: 3
list:
  - one
  - two
flow: {a: 1, b: [x, y]}
empty:
"""


def test_yaml_values_and_key_value_spans() -> None:
    (doc,) = parse_yaml_documents(YAML_DOC)
    assert doc.kind == "map"
    assert doc.value == {
        "remotes": {"storage": {"url": "s3://acme-models/dvc", "region": "eu-west-1"}, "count": 3},
        "list": ["one", "two"],
        "flow": {"a": 1, "b": ["x", "y"]},
        "empty": None,
    }
    remotes = doc.get("remotes")
    assert remotes is not None
    assert remotes.key_span == Span(2, 1, 2, 8)
    storage = remotes.get("storage")
    assert storage is not None
    url = storage.get("url")
    assert url is not None
    assert url.key_span == Span(4, 5, 4, 8)
    assert url.span == Span(4, 10, 4, 30)
    assert _text_at(YAML_DOC, url.span) == "s3://acme-models/dvc"
    region = storage.get("region")
    assert region is not None
    # a quoted scalar's span covers its quotes
    assert _text_at(YAML_DOC, region.span) == '"eu-west-1"'
    assert region.value == "eu-west-1"
    count = remotes.get("count")
    assert count is not None and count.value == 3 and count.span == Span(6, 10, 6, 11)
    lst = doc.get("list")
    assert lst is not None and lst.kind == "seq" and len(lst) == 2
    assert lst[1].span == Span(9, 5, 9, 8)
    assert lst[1].key_span is None
    flow = doc.get("flow")
    assert flow is not None
    assert flow.span == Span(10, 7, 10, 24)
    b = flow.get("b")
    assert b is not None and _text_at(YAML_DOC, b.span) == "[x, y]"
    assert doc.get("missing") is None


def test_yaml_block_collection_span_ends_at_last_child_not_after_comments() -> None:
    text = "a:\n  b: 1\n  c: 22\n# trailing comment\n\nd: 2\n"
    (doc,) = parse_yaml_documents(text)
    a = doc.get("a")
    assert a is not None
    assert a.span == Span(2, 3, 3, 8)
    seq_text = "s:\n  - 1\n  - 234\n\n# c\nt: 1\n"
    (doc2,) = parse_yaml_documents(seq_text)
    s = doc2.get("s")
    assert s is not None and s.span == Span(2, 3, 3, 8)


def test_yaml_multi_document_stream_skips_empty_documents() -> None:
    text = "a: 1\n---\n---\nb: 2\n...\n---\n- 3\n"
    docs = parse_yaml_documents(text)
    assert [d.value for d in docs] == [{"a": 1}, {"b": 2}, [3]]
    b = docs[1].get("b")
    assert b is not None and b.key_span == Span(4, 1, 4, 2)
    assert docs[2][0].span == Span(7, 3, 7, 4)
    assert parse_yaml_documents("") == []
    assert parse_yaml_documents("# only a comment\n") == []


def test_yaml_anchors_aliases_and_merge_keys() -> None:
    text = (
        "base: &base\n"
        "  image: python\n"
        "  retries: 1\n"
        "other: &other {zone: eu}\n"
        "job:\n"
        "  <<: *base\n"
        "  retries: 5\n"
        "early:\n"
        "  retries: 7\n"
        "  <<: *base\n"
        "multi:\n"
        "  <<: [*other, *base]\n"
        "alias: *other\n"
    )
    (doc,) = parse_yaml_documents(text)
    assert doc.value["job"] == {"image": "python", "retries": 5}
    # an explicit key wins over a merged one, whatever the order
    assert doc.value["early"] == {"retries": 7, "image": "python"}
    assert doc.value["multi"] == {"zone": "eu", "image": "python", "retries": 1}
    assert doc.value["alias"] == {"zone": "eu"}
    job = doc.get("job")
    assert job is not None
    retries = job.get("retries")
    image = job.get("image")
    assert retries is not None and retries.key_span == Span(7, 3, 7, 10)
    # a merged value keeps the position where it is written (the anchor)
    assert image is not None and image.key_span == Span(2, 3, 2, 8)
    assert image.span == Span(2, 10, 2, 16)
    # the key that holds an alias points at that key
    alias = doc.get("alias")
    assert alias is not None and alias.key_span == Span(13, 1, 13, 6)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: 1\n<<: 1\n", 2),
        ("a: 1\n<<: [1, 2]\n", 2),
        ("x: [1]\ny:\n  <<: [x]\n", 3),
    ],
)
def test_yaml_merge_of_a_non_mapping_is_an_error(text: str, line: int) -> None:
    with pytest.raises(SourceError) as err:
        parse_yaml_documents(text)
    assert err.value.line == line
    assert "merge" in err.value.message


def test_yaml_duplicate_keys_last_wins() -> None:
    (doc,) = parse_yaml_documents("a: 1\nb: 2\na: 3\n")
    assert doc.value == {"a": 3, "b": 2}
    a = doc.get("a")
    assert a is not None and a.key_span == Span(3, 1, 3, 2)
    assert [k for k, _ in doc.items()] == ["b", "a"]


def test_yaml_billion_laughs_is_refused() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    text = "\n".join(lines) + "\n"
    with pytest.raises(SourceError) as err:
        parse_yaml_documents(text)
    assert "alias" in err.value.message
    assert "billion-laughs" in err.value.message
    # the graph keeps no position for an alias use: the line is the anchor's
    assert err.value.line == 1


def test_yaml_alias_limit_is_configurable() -> None:
    text = "a: &a x\nb: [*a, *a, *a]\n"
    (doc,) = parse_yaml_documents(text, max_aliases=3)
    assert doc.value == {"a": "x", "b": ["x", "x", "x"]}
    with pytest.raises(SourceError) as err:
        parse_yaml_documents(text, max_aliases=2)
    assert err.value.line == 1  # the anchor of the alias that went over the limit


def test_yaml_recursive_alias_is_refused() -> None:
    with pytest.raises(SourceError) as err:
        parse_yaml_documents("a: &a [1, *a]\n")
    assert "recursive" in err.value.message
    assert err.value.line == 1


def test_yaml_depth_limit() -> None:
    deep = "[" * 30 + "]" * 30
    assert parse_yaml_documents(deep, max_depth=40)[0].value is not None
    with pytest.raises(SourceError) as err:
        parse_yaml_documents(deep, max_depth=10)
    assert "nesting deeper than 10" in err.value.message
    block = "".join("  " * i + f"k{i}:\n" for i in range(12)) + "  " * 12 + "v\n"
    with pytest.raises(SourceError) as err:
        parse_yaml_documents(block, max_depth=5)
    # the depth is enforced while parsing: the error names the line where it is exceeded
    assert err.value.line in (6, 7)


def test_yaml_very_deep_document_is_a_source_error_not_a_crash() -> None:
    with pytest.raises(SourceError):
        parse_yaml_documents("[" * 3000 + "]" * 3000, max_depth=100_000)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: 1\nb: [1, 2\nc: 3\n", 3),
        ("a: 1\n  b: 2\n", 2),
        ("a: 'unterminated\n", 2),
        ("ok: 1\nbad: \x00\n", 2),
        ("x: !!python/object:os.system ls\n", 1),
        ("x: 2001-02-30\n", 1),
        ("2001-02-30: x\n", 1),
        ("a: 1\n!!int nope: 1\n", 2),
        ("x: !!float nope\n", 1),
    ],
)
def test_yaml_errors_carry_their_line(text: str, line: int) -> None:
    with pytest.raises(SourceError) as err:
        parse_yaml_documents(text)
    assert err.value.line == line
    assert "\n" not in str(err.value)
    assert str(err.value).startswith(f"line {line}: ")


def test_yaml_scalars_become_json_ready() -> None:
    (doc,) = parse_yaml_documents(
        "d: 2027-01-31\nt: 2027-01-31 10:00:00\nb: !!binary aGk=\nf: 1.5\nn: ~\nok: true\n"
    )
    assert doc.value == {
        "d": "2027-01-31",
        "t": "2027-01-31 10:00:00",
        "b": "hi",
        "f": 1.5,
        "n": None,
        "ok": True,
    }
    json.dumps(doc.value)


def test_yaml_complex_and_non_string_keys_become_strings() -> None:
    (doc,) = parse_yaml_documents("1: a\n? [x, y]\n: b\ntrue: c\n")
    assert doc.value == {"1": "a", "['x', 'y']": "b", "True": "c"}


def test_yaml_walk_visits_every_node() -> None:
    (doc,) = parse_yaml_documents("a: [1, {b: 2}]\nc: 3\n")
    kinds = [n.kind for n in doc.walk()]
    assert kinds == ["map", "seq", "scalar", "map", "scalar", "scalar"]
    assert [n.value for n in doc.children] == [[1, {"b": 2}], 3]


# ----------------------------------------------------------------------------- JSON
JSON_DOC = (
    '{\n  "name": "caf\\u00e9 ☕",\n  "n": -1.5e3,\n'
    '  "list": [true, null, {"k": "v"}],\n  "e": {}\n}\n'
)


def test_json_values_and_spans() -> None:
    doc = parse_json(JSON_DOC)
    assert doc.value == json.loads(JSON_DOC)
    assert doc.span == Span(1, 1, 6, 2)
    name = doc.get("name")
    assert name is not None
    assert name.key_span == Span(2, 3, 2, 9)
    assert _text_at(JSON_DOC, name.key_span) == '"name"'
    assert _text_at(JSON_DOC, name.span) == '"caf\\u00e9 ☕"'
    assert name.value == "café ☕"
    n = doc.get("n")
    assert n is not None and n.span == Span(3, 8, 3, 14) and n.value == -1500.0
    lst = doc.get("list")
    assert lst is not None and lst.kind == "seq"
    assert lst[0].span == Span(4, 12, 4, 16)
    assert lst[1].span == Span(4, 18, 4, 22) and lst[1].value is None
    inner = lst[2]
    assert inner.kind == "map" and inner.span == Span(4, 24, 4, 34)
    k = inner.get("k")
    assert k is not None and k.key_span == Span(4, 25, 4, 28) and k.span == Span(4, 30, 4, 33)
    e = doc.get("e")
    assert e is not None and e.kind == "map" and e.value == {} and e.span == Span(5, 8, 5, 10)


def test_json_columns_count_characters_after_unicode() -> None:
    text = '{"ключ": "значение", "b": 1}'
    doc = parse_json(text)
    b = doc.get("b")
    assert b is not None
    assert b.key_span == Span(1, 22, 1, 25)
    assert _text_at(text, b.key_span) == '"b"'
    assert b.span == Span(1, 27, 1, 28)


def test_json_escapes_in_keys_and_values() -> None:
    text = '{"a\\"b": "x\\ny\\t\\\\", "\\ud83d\\ude00": 2}'
    doc = parse_json(text)
    assert doc.value == {'a"b': "x\ny\t\\", "\U0001f600": 2}
    k = doc.get('a"b')
    assert k is not None and k.key_span == Span(1, 2, 1, 8)
    assert k.span == Span(1, 10, 1, 20)


def test_json_crlf_line_endings() -> None:
    doc = parse_json('{\r\n  "a": 1,\r\n  "b": 2\r\n}\r\n')
    b = doc.get("b")
    assert b is not None and b.key_span == Span(3, 3, 3, 6) and b.span == Span(3, 8, 3, 9)


def test_json_bom_is_skipped() -> None:
    doc = parse_json('\ufeff{"a": 1}')
    assert doc.value == {"a": 1}
    a = doc.get("a")
    assert a is not None and a.key_span == Span(1, 2, 1, 5)


def test_json_duplicate_keys_last_wins() -> None:
    doc = parse_json('{"a": 1,\n "b": 2,\n "a": 3}')
    assert doc.value == {"a": 3, "b": 2}
    a = doc.get("a")
    assert a is not None and a.key_span == Span(3, 2, 3, 5) and a.value == 3


def test_json_scalars_at_top_level() -> None:
    assert parse_json(" 42 ").value == 42
    assert parse_json('"s"').value == "s"
    assert parse_json("null").value is None
    assert parse_json("[]").value == []
    assert parse_json("0.5").span == Span(1, 1, 1, 4)


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("", 1, "unexpected end"),
        ("{", 1, "expected a string key"),
        ('{\n"a": 1,\n}', 3, "expected a string key"),
        ('{\n  "a" 1\n}', 2, "expected ':'"),
        ('{"a": 1\n\n', 3, "expected ',' or '}'"),
        ("[1,\n 2\n 3]", 3, "expected ',' or ']'"),
        ('{"a": 1}\n{"b": 2}', 2, "extra data"),
        ('"abc', 1, "unterminated"),
        ('{"a":\n "x\\qy"}', 2, "bad string escape"),
        ("[01]", 1, "expected ',' or ']'"),
        ("\n\n  nope", 3, "unexpected character"),
        ("NaN", 1, "unexpected character"),
        ("[tru]", 1, "unexpected character"),
        ("1" * 5000, 1, "number too long"),
        ('{"a": "line\nbreak"}', 1, "unterminated"),
    ],
)
def test_json_errors_carry_their_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(SourceError) as err:
        parse_json(text)
    assert err.value.line == line
    assert fragment in err.value.message


def test_json_depth_limit() -> None:
    assert parse_json("[" * 20 + "]" * 20, max_depth=20).value is not None
    with pytest.raises(SourceError) as err:
        parse_json('{"a":\n' + "[" * 21 + "]" * 21 + "}", max_depth=20)
    assert "nesting deeper than 20" in err.value.message
    assert err.value.line == 2


def test_json_depth_beyond_the_interpreter_is_a_source_error() -> None:
    with pytest.raises(SourceError):
        parse_json("[" * 50_000 + "]" * 50_000, max_depth=1_000_000)


# ------------------------------------------------------------------------------ INI
DVC_CONFIG = """\
[core]
    remote = storage  # default remote
    autostage = true
; a comment line
# another
['remote "storage"']
    url = s3://acme-models/dvc
    access_key_id = "AKIA with spaces"   # quoted, then a comment
    secret_access_key = 'sec#ret'
    endpointurl = https://minio.local:9000/path?x=1#frag
[ "remote \\"backup\\"" ]
empty =
"""


def test_ini_dvc_dialect_sections_and_values() -> None:
    doc = parse_ini(DVC_CONFIG)
    assert [s.name for s in doc.sections] == ["core", 'remote "storage"', 'remote \\"backup\\"']
    core = doc.section("core")
    assert core is not None
    assert core.span == Span(1, 1, 1, 7)
    remote = core.get("remote")
    assert remote is not None
    assert remote.value == "storage"
    assert remote.key_span == Span(2, 5, 2, 11)
    assert remote.value_span == Span(2, 14, 2, 21)
    assert remote.line == 2
    storage = doc.section('remote "storage"')
    assert storage is not None
    assert storage.span == Span(6, 1, 6, 21)
    url = storage.get("url")
    assert url is not None and url.value == "s3://acme-models/dvc"
    assert _text_at(DVC_CONFIG, url.value_span) == "s3://acme-models/dvc"
    key = storage.get("access_key_id")
    assert key is not None
    assert key.value == "AKIA with spaces"
    assert _text_at(DVC_CONFIG, key.value_span) == "AKIA with spaces"
    secret = storage.get("secret_access_key")
    assert secret is not None and secret.value == "sec#ret"
    assert _text_at(DVC_CONFIG, secret.value_span) == "sec#ret"
    endpoint = storage.get("endpointurl")
    assert endpoint is not None
    # '#' without whitespace before it is part of an unquoted value
    assert endpoint.value == "https://minio.local:9000/path?x=1#frag"
    backup = doc.sections[2]
    empty = backup.get("empty")
    assert empty is not None and empty.value == "" and empty.line == 12
    assert empty.value_span.col == empty.value_span.end_col
    assert doc.section("nope") is None


def test_ini_entries_before_any_section_and_duplicate_keys() -> None:
    doc = parse_ini("a = 1\na = 2\n[s]\n")
    assert [s.name for s in doc.sections] == ["", "s"]
    top = doc.section("")
    assert top is not None
    a = top.get("a")
    assert a is not None and a.value == "2" and a.line == 2
    assert top.get("b") is None
    assert parse_ini("").sections == ()


def test_ini_crlf_and_form_feed_keep_line_numbers() -> None:
    doc = parse_ini("[a]\r\nx = 1\r\n\r\ny = 2 \x0c\r\n")
    sec = doc.section("a")
    assert sec is not None
    y = sec.get("y")
    assert y is not None and y.line == 4


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[core]\nremote storage\n", 2),
        ("[core\n", 1),
        ("[a] trailing\n", 1),
        ("a = 1\n= 2\n", 2),
        ("[s]\nok = 1\n\n  just words\n", 4),
    ],
)
def test_ini_malformed_line_is_a_source_error_with_line(text: str, line: int) -> None:
    with pytest.raises(SourceError) as err:
        parse_ini(text)
    assert err.value.line == line
    assert "cannot parse INI line" in err.value.message


def test_ini_section_comment_after_header() -> None:
    doc = parse_ini("[core] # main\nx = 1\n")
    assert doc.sections[0].name == "core"
    assert doc.sections[0].span == Span(1, 1, 1, 7)


@pytest.mark.parametrize(
    "text",
    [
        "[" + " " * 20_000,
        "a" + " " * 20_000 + "b",
        "k = v" + " " * 20_000 + "x",
        "[" + "a " * 10_000,
    ],
)
def test_ini_long_pathological_lines_are_handled(text: str) -> None:
    # once cubic in the regex engine; must stay linear (this would not finish otherwise)
    try:
        parse_ini(text)
    except SourceError as err:
        assert err.line == 1


# ---------------------------------------------------------------------- properties
_finite = st.floats(allow_nan=False, allow_infinity=False)
_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | _finite | _text,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(_text, children, max_size=5),
    max_leaves=30,
)

# PyYAML itself does not round-trip control characters, NEL and line separators in
# flow style; printable text is what configuration files hold.
_yaml_text = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters="\x85"),
    max_size=20,
)
_yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | _finite | _yaml_text,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(_yaml_text, children, max_size=5)
    ),
    max_leaves=30,
)


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=_json_values, indent=st.sampled_from([None, 2]), ascii_only=st.booleans())
def test_property_json_round_trip(value: object, indent: int | None, ascii_only: bool) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    node = parse_json(text)
    assert _same(node.value, json.loads(text))
    assert _same(node.value, value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=_yaml_values, flow=st.sampled_from([None, True, False]))
def test_property_yaml_round_trip(value: object, flow: bool | None) -> None:
    text = yaml.safe_dump(value, default_flow_style=flow, allow_unicode=True)
    docs = parse_yaml_documents(text)
    expected = yaml.safe_load(text)
    assert len(docs) == 1
    assert _same(docs[0].value, expected)
    assert _same(docs[0].value, value)


@settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(_yaml_values.filter(lambda v: v is not None), min_size=1, max_size=4))
def test_property_yaml_multi_document_round_trip(values: list[object]) -> None:
    text = yaml.safe_dump_all(values)
    docs = parse_yaml_documents(text)
    assert len(docs) == len(values)
    for node, value, loaded in zip(docs, values, yaml.safe_load_all(text), strict=True):
        assert _same(node.value, loaded)
        assert _same(node.value, value)


_source_text = st.one_of(
    st.text(max_size=200),
    st.text(alphabet="{}[]\":,-&*<!|>#'=; \n\tab01.eE\\ux", max_size=200),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_source_text)
def test_property_arbitrary_text_only_raises_source_error(text: str) -> None:
    for parse in (parse_json, parse_yaml_documents, parse_ini):
        with contextlib.suppress(SourceError):
            parse(text)  # type: ignore[operator]


def test_ini_triple_quoted_values_and_quoted_section_names_keep_spaces() -> None:
    text = '["remote "]\na = \'\'\'it\'s "x"\'\'\'\nb = """q\'"""  # c\n'
    doc = parse_ini(text)
    sec = doc.section("remote ")
    assert sec is not None
    a, b = sec.get("a"), sec.get("b")
    assert a is not None and a.value == 'it\'s "x"'
    assert _text_at(text, a.value_span) == 'it\'s "x"'
    assert b is not None and b.value == "q'"


_ini_keys = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
_ini_values = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=15)
_ini_sections = st.from_regex(r"(remote|core|cache) ?\"?[a-z0-9 ]{0,5}\"?", fullmatch=True)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.dictionaries(
        _ini_sections, st.dictionaries(_ini_keys, _ini_values, max_size=4), max_size=3
    )
)
def test_property_ini_reads_what_configobj_writes(data: dict[str, dict[str, str]]) -> None:
    config = configobj.ConfigObj()
    for name, entries in data.items():
        config[name] = dict(entries)
    buf = io.BytesIO()
    config.write(buf)
    text = buf.getvalue().decode("utf-8")
    reread = configobj.ConfigObj(text.splitlines())
    doc = parse_ini(text)
    assert {s.name: {e.key: e.value for e in s.entries} for s in doc.sections} == {
        name: dict(reread[name]) for name in reread
    }


def _slice(text: str, span: Span) -> str:
    """The source text of a span (1-based, end column exclusive), across lines."""
    lines = text.split("\n")
    if span.line == span.end_line:
        return lines[span.line - 1][span.col - 1 : span.end_col - 1]
    parts = [lines[span.line - 1][span.col - 1 :]]
    parts += lines[span.line : span.end_line - 1]
    parts.append(lines[span.end_line - 1][: span.end_col - 1])
    return "\n".join(parts)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=_json_values, indent=st.sampled_from([None, 1, 4]))
def test_property_json_spans_cover_exactly_their_source(value: object, indent: int | None) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    root = parse_json(text)
    for node in root.walk():
        assert _same(json.loads(_slice(text, node.span)), node.value)
        if node.key_span is not None:
            key = json.loads(_slice(text, node.key_span))
            assert isinstance(key, str)
            parent_keys = [k for n in root.walk() for k, child in n.items() if child is node]
            assert parent_keys == [key]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=_yaml_values, flow=st.sampled_from([None, False]))
def test_property_yaml_scalar_spans_cover_their_source(value: object, flow: bool | None) -> None:
    text = yaml.safe_dump(value, default_flow_style=flow, allow_unicode=True)
    (root,) = parse_yaml_documents(text)
    for node in root.walk():
        if node.kind == "scalar":
            assert _same(yaml.safe_load(_slice(text, node.span)), node.value)
        if node.key_span is not None:
            assert isinstance(yaml.safe_load(_slice(text, node.key_span)), str | int | float | bool)


def test_yaml_lines_count_only_cr_and_lf_as_breaks() -> None:
    # PyYAML also breaks lines at U+2028, U+2029 and NEL; editors and code scanning do not
    text = 'a: "x\u2028y\u2029z"\nb: 1\r\nc: 2\rd: [1,\n'
    with pytest.raises(SourceError) as err:
        parse_yaml_documents(text)
    assert err.value.line == 5
    (doc,) = parse_yaml_documents(text[: text.index("d:")])
    b, c = doc.get("b"), doc.get("c")
    assert b is not None and b.key_span == Span(2, 1, 2, 2) and b.span == Span(2, 4, 2, 5)
    assert c is not None and c.key_span == Span(3, 1, 3, 2)


def test_json_lines_count_cr_lf_and_crlf() -> None:
    doc = parse_json('{"a":\r1,\r\n"b": "\u2028",\n"c": 3}')
    c = doc.get("c")
    assert c is not None and c.key_span == Span(4, 1, 4, 4)


def test_ini_semicolon_is_a_comment_only_at_line_start() -> None:
    doc = parse_ini("; comment\n[mlflow]\nadmin_password = pass ;word  # note\n")
    sec = doc.section("mlflow")
    assert sec is not None
    pw = sec.get("admin_password")
    assert pw is not None and pw.value == "pass ;word"


def test_yaml_bom_is_not_a_column() -> None:
    (doc,) = parse_yaml_documents("\ufeffa: 1\n")
    a = doc.get("a")
    assert a is not None and a.key_span == Span(1, 1, 1, 2) and a.span == Span(1, 4, 1, 5)
