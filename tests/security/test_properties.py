"""Property tests: every parser mlscan runs on untrusted files, driven through the
collectors' ``collect()`` on a scratch workspace (fuzz/targets.py). No exception
escapes for any input; facts stay JSON data; a YAML file that does not parse becomes a
notification for that file. Inputs are mutations of real example files plus structured
documents. Derandomised, so CI runs the same examples every time."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.targets import TARGETS, registered_families, run_target
from mlscan.sourcemap import SourceError, parse_yaml_documents

TOKENS = (
    b"&a ",
    b"*a",
    b"<<: *a\n",
    b"[",
    b"]",
    b"{",
    b"}",
    b"!!python/object:os.system ",
    b"!!binary ",
    b"\x00",
    b"\xff\xfe",
    b"'",
    b'"',
    b"\n  ",
    b"\n---\n",
    b"%YAML 1.1\n",
    b"\\",
    b"=",
    b"${X}",
    b": ",
    b"- ",
    b"\t",
    b"\r",
    b"#",
    b";",
    b'[remote "x"]\n',
    b'"Statement": ',
    b"null",
    b"1e999",
    b"-0",
    b"\xef\xbb\xbf",
    b"\x80\x04",
    b".",
    b"c__builtin__\neval\n",
    b"(",
    b"R",
    b"}}",
    b"${",
    b"<<EOF\n",
    b"md5: ",
    b"path: ../..",
)

MAX_EXAMPLES = {"hcl": 4, "policy-json": 15, "dvc-config": 15}
DEFAULT_EXAMPLES = 20

YAML_TARGETS = ("dvc-yaml", "dvc-lock", "dvc-file", "mlmodel", "compose", "kubernetes")


@st.composite
def mutated(draw: st.DrawFn, seeds: tuple[bytes, ...]) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(("flip", "insert", "token", "delete", "truncate", "dup")))
        pos = draw(st.integers(0, len(data)))
        if op == "flip" and data:
            i = min(pos, len(data) - 1)
            data[i] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        elif op == "token":
            data[pos:pos] = draw(st.sampled_from(TOKENS))
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 16))]
        elif op == "truncate":
            del data[pos:]
        elif op == "dup":
            end = min(len(data), pos + draw(st.integers(1, 64)))
            data[pos:pos] = data[pos:end]
    return bytes(data)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _structured(name: str, value: Any) -> bytes:
    """A syntactically valid document of the target's format with arbitrary content."""
    target = TARGETS[name]
    if name in ("compose", "kubernetes", "mlmodel", "dvc-yaml", "dvc-lock", "dvc-file"):
        keys = {
            "compose": ("services", "mlflow"),
            "kubernetes": ("spec", "template"),
            "mlmodel": ("flavors", "python_function"),
            "dvc-yaml": ("stages", "train"),
            "dvc-lock": ("stages", "train"),
            "dvc-file": ("outs", "md5"),
        }[name]
        doc = {keys[0]: {keys[1]: value}, "note": "mlflow"}
        return yaml.safe_dump(doc).encode()
    if name in ("policy-json", "sigstore-bundle"):
        return json.dumps(
            {"Version": "2012-10-17", "Statement": value, "mediaType": value}
        ).encode()
    if name in ("dvc-config", "basic-auth-ini"):
        section = "mlflow" if name == "basic-auth-ini" else "'remote \"s\"'"
        return f"[{section}]\nurl = {value!s}\nadmin_password = {value!s}\n".encode()
    if name == "hcl":
        return (
            f'resource "aws_s3_bucket" "b" {{\n  bucket = {json.dumps(str(value))}\n}}\n'.encode()
        )
    return target.seeds[0]


def _check(name: str, data: bytes) -> None:
    target = TARGETS[name]
    _, notes = run_target(name, data)  # raises if any collector lets an exception escape
    if target.must_notify is None or target.owner not in registered_families():
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        assert any(n.path == target.path for n in notes), "undecodable file not reported"
        return
    if name not in YAML_TARGETS or not target.must_notify(text):
        return
    try:
        parse_yaml_documents(text)
    except SourceError:
        assert any(n.path == target.path for n in notes), "unparseable YAML not reported"


def _settings(name: str) -> settings:
    return settings(
        max_examples=MAX_EXAMPLES.get(name, DEFAULT_EXAMPLES),
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_mutated_real_files_never_crash_a_collector(name: str) -> None:
    @_settings(name)
    @given(mutated(TARGETS[name].seeds))
    def prop(data: bytes) -> None:
        _check(name, data)

    prop()


@pytest.mark.parametrize("name", sorted(n for n in TARGETS if TARGETS[n].text))
def test_structured_documents_never_crash_a_collector(name: str) -> None:
    @_settings(name)
    @given(json_values)
    def prop(value: Any) -> None:
        _check(name, _structured(name, value))

    prop()


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_seeds_are_real_files(name: str) -> None:
    assert all(TARGETS[name].seeds), f"{name}: a seed file is missing from examples/"
