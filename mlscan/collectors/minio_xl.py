"""The objects a MinIO data directory stores inline in its ``xl.meta`` files.

MinIO keeps every object as a folder named after the object key (``models/models.pkl/``)
holding ``xl.meta``; objects up to 128 KiB (and MinIO's own ``.minio.sys`` config and IAM
files) are stored *inline*, inside that binary file. Its layout: the magic ``XL2 ``, a
2-byte major and minor version (little endian), then msgpack values: the version headers
(one ``bin``, kept opaque), from minor 3 a ``uint32`` checksum of them, the inline-data
format byte (``1``) and a map from version id (``"null"`` for unversioned buckets) to the
stored bytes. Each stored value starts with a 32-byte bitrot hash (HighwayHash256) before
the object's bytes.

Only that framing is read, with msgpack's size limits; the objects' bytes are returned as
they are and never interpreted here (the callers sniff them like any other file). Not
recognised: objects MinIO compressed (S2) or encrypted, and drives that hold a later
erasure-coded shard of an object (the first bytes are elsewhere). A committed
``.minio.sys`` folder marks the data directory itself.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import PurePosixPath

import msgpack

XL_MAGIC = b"XL2 "
XL_META = "xl.meta"
MINIO_SYS = ".minio.sys"
BITROT_HASH_BYTES = 32
MAX_INLINE_OBJECTS = 64  # versions of one object kept inline
_MAX_FRAMING_VALUES = 3  # after the headers: checksum, format byte, then the inline map


@dataclass(frozen=True, kw_only=True)
class InlineObject:
    version: str  # the version id ("null" for an unversioned bucket)
    data: bytes  # the object's bytes, bitrot hash removed


def is_xl_meta(head: bytes) -> bool:
    """Whether ``head`` starts a MinIO ``xl.meta`` of the format this module reads."""
    return head.startswith(XL_MAGIC) and len(head) >= 8 and head[4:6] == b"\x01\x00"


def object_key(path: str) -> str:
    """The object key of an ``xl.meta`` path: the folder that holds it."""
    return PurePosixPath(path).parent.name


def data_dir_of(path: str) -> str | None:
    """The MinIO data directory (the folder holding ``.minio.sys``) ``path`` lies in, if
    ``path`` is inside that ``.minio.sys`` folder; None otherwise."""
    parts = PurePosixPath(path).parts
    if MINIO_SYS not in parts[:-1]:
        return None
    root = parts[:parts.index(MINIO_SYS)]
    return PurePosixPath(*root).as_posix() if root else "."


def inline_objects(data: bytes, max_bytes: int) -> tuple[InlineObject, ...]:
    """The objects stored inline in the ``xl.meta`` bytes ``data`` (empty when there are
    none or the framing is not what MinIO writes); values over ``max_bytes`` are refused
    by the msgpack reader."""
    if not is_xl_meta(data):
        return ()
    (minor,) = struct.unpack_from("<H", data, 6)
    unpacker = msgpack.Unpacker(
        raw=True, use_list=False, strict_map_key=False, max_buffer_size=len(data),
        max_bin_len=max_bytes, max_str_len=1024, max_array_len=0,
        max_map_len=MAX_INLINE_OBJECTS, max_ext_len=0)
    unpacker.feed(data[8:])
    try:
        headers = unpacker.unpack()
        if not isinstance(headers, bytes):
            return ()
        inline: object = None
        for _ in range(_MAX_FRAMING_VALUES if minor >= 3 else _MAX_FRAMING_VALUES - 1):
            value = unpacker.unpack()
            if isinstance(value, dict):
                inline = value
                break
    except (ValueError, TypeError, msgpack.OutOfData, msgpack.UnpackException):
        return ()  # no inline data (the object's parts are separate files) or not MinIO's
    if not isinstance(inline, dict):
        return ()
    out = []
    for version, stored in sorted(inline.items(), key=lambda kv: repr(kv[0])):
        if not isinstance(version, bytes) or not isinstance(stored, bytes):
            continue
        if len(stored) <= BITROT_HASH_BYTES:
            continue
        out.append(InlineObject(version=version.decode("utf-8", "replace"),
                                data=stored[BITROT_HASH_BYTES:]))
    return tuple(out)
