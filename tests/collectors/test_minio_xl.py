"""A committed MinIO data directory: the objects MinIO stores inline in ``xl.meta``.

The ``xl.meta`` bytes are built here from the published layout (magic, version, msgpack
version headers, checksum, inline-data map whose values carry a 32-byte bitrot hash before
the object's bytes); nothing is copied from a real data directory.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import msgpack
from hypothesis import given, settings
from hypothesis import strategies as st

from mlscan.collectors.artifacts.discovery import may_be_model_file
from mlscan.collectors.minio_xl import InlineObject, data_dir_of, inline_objects, object_key
from mlscan.scan import ScanOptions, run
from tests import pickle_corpus as pc

# a made-up key pair (random characters, no real account)
ACCESS_KEY = "R4MT8QZ2VX7KPLW3JN6D"
SECRET_KEY = "q8Zr2LmV0xT4nB7wK1sY9pD3fH6jC5gA2eR0uN8v"


def xl_meta(objects: dict[str, bytes], *, minor: int = 3) -> bytes:
    """An ``xl.meta`` holding ``objects`` (version id -> bytes) inline."""
    headers = msgpack.packb(b"\x93\x01\x02\x03 opaque version headers")
    out = b"XL2 " + struct.pack("<HH", 1, minor) + headers
    if minor >= 3:
        out += b"\xce" + struct.pack(">I", 0x5EED1234)  # checksum of the headers
    inline = {version: bytes(range(32)) + data for version, data in objects.items()}
    return out + b"\x01" + msgpack.packb(inline, use_bin_type=True)


def identity_json() -> bytes:
    return json.dumps({"version": 1, "credentials": {
        "accessKey": ACCESS_KEY, "secretKey": SECRET_KEY, "expiration": "1970-01-01T00:00:00Z",
        "status": "on"}}, separators=(",", ":")).encode()


def test_inline_objects_of_the_current_and_the_older_layout() -> None:
    data = pc.p4(pc.call_p4("os", "system", "id"))
    for minor in (3, 2):
        assert inline_objects(xl_meta({"null": data}, minor=minor), 1 << 20) == (
            InlineObject(version="null", data=data),)


def test_framing_that_is_not_minios_gives_no_object() -> None:
    good = xl_meta({"null": b"payload bytes"})
    assert inline_objects(good[:-5], 1 << 20) == ()  # truncated
    assert inline_objects(b"XL2 \x02\x00\x03\x00" + good[8:], 1 << 20) == ()  # major 2
    assert inline_objects(b"XL2 \x01\x00\x03\x00\xc3", 1 << 20) == ()  # headers not bin
    # the object's data lives in part files: headers and checksum only
    assert inline_objects(good[:good.index(b"\x01\x81")], 1 << 20) == ()
    # a stored value over the caller's bound is refused by the msgpack reader
    assert inline_objects(good, 16) == ()
    # a map keyed by a map (unhashable in Python) is no inline data
    assert inline_objects(good[:good.index(b"\x01\x81")] + b"\x01\x81\x81\x01\x02\x03",
                          1 << 20) == ()


def test_object_key_and_data_dir() -> None:
    assert object_key("store/models/clf.pkl/xl.meta") == "clf.pkl"
    assert data_dir_of("store/.minio.sys/config/config.json/xl.meta") == "store"
    assert data_dir_of(".minio.sys/format.json") == "."
    assert data_dir_of("store/models/clf.pkl/xl.meta") is None
    assert may_be_model_file("store/data/anything/xl.meta")


def _project(tmp_path: Path) -> Path:
    files = {
        "store/.minio.sys/format.json": b'{"version":"1","format":"xl-single"}',
        "store/.minio.sys/config/config.json/xl.meta": xl_meta(
            {"null": b'{"api":{"_":[{"key":"requests_max","value":"0"}]}}'}),
        "store/.minio.sys/config/iam/users/analyst/identity.json/xl.meta": xl_meta(
            {"null": identity_json()}),
        "store/models/clf.pkl/xl.meta": xl_meta({"null": pc.sklearn_like_pkl()}),
        "store/models/hook.pkl/xl.meta": xl_meta(
            {"null": pc.p4(pc.call_p4("subprocess", "check_output", "id"))}),
        "store/data/train.csv/xl.meta": xl_meta({"null": b"a,b\n1,2\n"}),
    }
    for rel, data in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return tmp_path


def test_a_pickle_stored_inline_is_a_model_file_at_its_xl_meta(tmp_path: Path) -> None:
    result = run(ScanOptions(paths=(str(_project(tmp_path)),)))
    got = sorted((f.control.id, f.location.path) for f in result.findings
                 if f.control.id.startswith("MLS-MOD"))
    assert got == [
        ("MLS-MOD-001", "store/models/clf.pkl/xl.meta"),
        ("MLS-MOD-001", "store/models/hook.pkl/xl.meta"),
        ("MLS-MOD-002", "store/models/hook.pkl/xl.meta"),
    ]
    hook = next(f for f in result.findings if f.control.id == "MLS-MOD-002")
    assert "subprocess.check_output" in hook.message
    assert [n for n in result.notifications if "xl.meta" in n.path] == []


def test_a_committed_minio_identity_gives_a_committed_secret(tmp_path: Path) -> None:
    result = run(ScanOptions(paths=(str(_project(tmp_path)),)))
    got = sorted((f.control.id, f.location.path, f.location.start_line, f.message)
                 for f in result.findings if f.control.id.startswith("MLS-SEC"))
    path = "store/.minio.sys/config/iam/users/analyst/identity.json/xl.meta"
    assert [(c, p, line) for c, p, line, _ in got] == [("MLS-SEC-001", path, 1)]
    assert "`secretKey`" in got[0][3]
    assert SECRET_KEY not in json.dumps([m for *_, m in got])


def test_the_pre_commit_hook_passes_xl_meta_files() -> None:
    import re

    import yaml

    hooks = yaml.safe_load((Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml")
                           .read_text(encoding="utf-8"))
    pattern = re.compile(hooks[0]["files"])
    assert pattern.search("store/models/clf.pkl/xl.meta")
    assert pattern.search("store/.minio.sys/config/iam/users/a/identity.json/xl.meta")


@settings(max_examples=300, deadline=None)
@given(tail=st.binary(max_size=200), minor=st.integers(0, 5))
def test_random_bytes_after_the_magic_never_raise(tail: bytes, minor: int) -> None:
    data = b"XL2 " + struct.pack("<HH", 1, minor) + tail
    for obj in inline_objects(data, 1 << 10):
        assert isinstance(obj.data, bytes)
        assert len(obj.data) <= len(data)
