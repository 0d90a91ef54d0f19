"""Content sniffing and static analysis of one model file. Nothing here loads a model.

The format comes from the bytes, not the name: a pickle renamed ``.safetensors`` is
analysed as a pickle and reported with ``format_mismatch``. Every read is bounded
(``AnalysisLimits``); zip archives are checked for member count and compression ratio
before any member is decompressed, and members are read with a size cap.
"""

from __future__ import annotations

import bz2
import io
import json
import lzma
import struct
import tarfile
import time
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import Any, BinaryIO

from mlscan.collectors.artifacts.keras import (
    find_keras_objects,
    find_lambda_layers,
    h5_model_configs,
)
from mlscan.collectors.artifacts.pickles import (
    BYTE_SCAN_MAX,
    GlobalFinding,
    PickleAnalysis,
    analyse_stream,
    buffer_of,
    byte_scan,
)
from mlscan.collectors.minio_xl import inline_objects, is_xl_meta

TORCH_LEGACY_MAGIC = b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19"
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
NPY_MAGIC = b"\x93NUMPY"
NPY_MAX_HEADER = 100_000  # numpy itself refuses headers over 10,000 bytes by default
SEVENZIP_MAGIC = b"7z\xbc\xaf\x27\x1c"
RAR_MAGIC = b"Rar!\x1a\x07"
HEAD_BYTES = 512  # enough for every magic, including tar's "ustar" at offset 257
IN_MEMORY_BYTES = 1 << 20  # smaller files are read once into memory, larger ones mapped
UNKNOWN_CONTENT = "content does not match any known model format"
PICKLE_BASED = frozenset({"pickle", "joblib", "pytorch", "pytorch-legacy", "numpy-object"})
# formats a file found by content sniffing (any extension) is kept for; other content is
# not a model file and leaves no fact
SNIFFED_MODEL_FORMATS = frozenset({"pickle", "joblib", "pytorch", "pytorch-legacy", "numpy",
                                   "numpy-object", "npz", "keras", "keras-h5", "safetensors",
                                   "gguf", "7z", "rar", "tar"})
# declared format (from the extension) -> detected formats that are consistent with it
COMPATIBLE: dict[str, frozenset[str]] = {
    "pickle": frozenset({"pickle", "joblib", "pytorch-legacy"}),
    "joblib": frozenset({"pickle", "joblib"}),
    "pytorch": frozenset({"pytorch", "pytorch-legacy", "pickle", "safetensors"}),
    "sniffed": SNIFFED_MODEL_FORMATS,
    "numpy": frozenset({"numpy", "numpy-object", "npz"}),
    "safetensors": frozenset({"safetensors"}),
    "onnx": frozenset({"onnx"}),
    "keras-h5": frozenset({"keras-h5"}),
    "keras": frozenset({"keras"}),
    "gguf": frozenset({"gguf"}),
    "xgboost-ubj": frozenset({"xgboost-ubj"}),
    "json-model": frozenset({"xgboost-json", "lightgbm-json", "json"}),
}


@dataclass(frozen=True, kw_only=True)
class AnalysisLimits:
    timeout: float = 30.0  # seconds per file (cooperative deadline inside every loop)
    max_bytes: int = 256 * 1024 * 1024  # bytes read or decompressed per file / member
    max_zip_members: int = 10_000
    max_zip_ratio: int = 200


@dataclass(frozen=True, kw_only=True)
class FileAnalysis:
    format: str
    pickle_based: bool = False
    globals: tuple[GlobalFinding, ...] = ()
    lambda_layers: tuple[str, ...] = ()
    pickle_members: tuple[str, ...] = ()  # archive members analysed as pickles
    unanalysed_reason: str | None = None
    header: dict[str, Any] = field(default_factory=dict)  # small format facts
    engines: tuple[str, ...] = ()
    container: str | None = None  # zip | tar | 7z | rar | gzip | bz2 | xz | zlib | lzma
    container_anomalies: tuple[str, ...] = ()  # zip-bad-crc, zip-encrypted-flag, ...
    unreadable_members: tuple[tuple[str, str], ...] = ()  # (member, why) of pickle members
    keras_objects: tuple[tuple[str, str, str | None, str], ...] = ()  # module, class, reg, at
    engine_errors: tuple[tuple[str, str], ...] = ()  # (engine, why it stopped)

    @property
    def verdict(self) -> str:
        classes = {g.classification for g in self.globals}
        if "dangerous" in classes or self.foreign_keras:
            return "dangerous"
        if self.unreadable_members or self.container_anomalies or self.container in (
                "7z", "rar"):
            return "unanalysed"
        if self.unanalysed_reason is not None:
            return "unanalysed"
        if "unknown" in classes or self.lambda_layers:
            return "suspicious"
        return "safe"


    @property
    def foreign_keras(self) -> bool:
        from mlscan.collectors.artifacts.globals import keras_module_allowed

        return any(not keras_module_allowed(o[0]) for o in self.keras_objects)


class _Unanalysable(Exception):
    pass


def analyse_file(fh: BinaryIO, size: int, declared: str, limits: AnalysisLimits) -> FileAnalysis:
    """Analyse the open file ``fh`` of ``size`` bytes whose extension says ``declared``."""
    deadline = time.monotonic() + limits.timeout
    if size <= IN_MEMORY_BYTES and not isinstance(fh, io.BytesIO):
        # one read instead of a head read, seeks and a memory map per stream
        data = fh.read(size)
        fh, size = io.BytesIO(data), len(data)
        head = data[:HEAD_BYTES]
    else:
        head = fh.read(HEAD_BYTES)
        fh.seek(0)
    try:
        return _dispatch(fh, size, head, declared, limits, deadline)
    except _Unanalysable as exc:
        return FileAnalysis(format=_guess(head, declared), unanalysed_reason=str(exc))


def _guess(head: bytes, declared: str) -> str:
    if head.startswith(b"PK"):
        return "zip"
    return declared if declared not in ("model", "other", "sniffed") else "unknown"


def sniff(head: bytes) -> str | None:
    """The container or model format the first bytes announce (None: none we know)."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(NPY_MAGIC):
        return "numpy"
    if head.startswith(HDF5_MAGIC):
        return "hdf5"
    if head.startswith(SEVENZIP_MAGIC):
        return "7z"
    if head.startswith(RAR_MAGIC):
        return "rar"
    if len(head) >= 262 and head[257:262] == b"ustar":
        return "tar"
    if head.startswith(b"GGUF"):
        return "gguf"
    if head[:1] == b"\x80" and len(head) > 1 and 2 <= head[1] <= 5:
        return "pickle"
    if head.startswith((b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00")):
        return "compressed"
    if is_xl_meta(head):
        return "minio-xl"
    return None


def _dispatch(fh: BinaryIO, size: int, head: bytes, declared: str, limits: AnalysisLimits,
              deadline: float, depth: int = 0) -> FileAnalysis:
    if size == 0:
        raise _Unanalysable("the file is empty")
    if depth == 0 and is_xl_meta(head):
        return _minio_xl(fh, size, limits, deadline)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip(fh, size, declared, limits, deadline)
    if head.startswith((SEVENZIP_MAGIC, RAR_MAGIC)):
        return _opaque_archive(fh, size, "7z" if head.startswith(SEVENZIP_MAGIC) else "rar",
                               declared, deadline)
    if len(head) >= 262 and head[257:262] == b"ustar":
        return _tar(fh, size, limits, deadline)
    if head.startswith(NPY_MAGIC):
        return _npy(fh, size, limits, deadline)
    if head.startswith(HDF5_MAGIC):
        return _hdf5(fh, size, limits, deadline)
    if head.startswith(b"GGUF"):
        version = struct.unpack("<I", head[4:8])[0] if len(head) >= 8 else 0
        if not 1 <= version <= 3:
            raise _Unanalysable(f"GGUF magic with unsupported version {version}")
        return FileAnalysis(format="gguf", header={"version": version})
    st = _safetensors(fh, size, head, limits)
    if st is not None:
        return st
    compression = _compression(head)
    if compression is not None and depth == 0 and declared in (
            "pickle", "joblib", "pytorch", "model", "other", "sniffed"):
        return _compressed(fh, size, compression, declared, limits, deadline)
    if head.startswith(TORCH_LEGACY_MAGIC):
        return _pickle(fh, size, "pytorch-legacy", limits, deadline)
    if head[:1] == b"\x80" and len(head) > 1 and head[1] <= 5:
        result = _pickle(fh, size, "joblib" if declared == "joblib" else "pickle", limits,
                         deadline)
        if declared == "sniffed" and result.unanalysed_reason and not result.globals:
            # found by content only: binary data that happens to begin like a pickle
            raise _Unanalysable(f"{UNKNOWN_CONTENT} (found by content sniffing)")
        return result
    if declared == "sniffed":
        raise _Unanalysable(f"{UNKNOWN_CONTENT} (found by content sniffing)")
    if head[:1] in (b"{", b"[") and declared in ("json-model", "model", "xgboost-ubj", "other"):
        return _json_model(fh, size, head, declared, limits)
    if declared == "onnx" and _looks_like_onnx(head):
        return FileAnalysis(format="onnx")
    if declared in ("pickle", "joblib", "pytorch", "model", "other"):
        # protocol 0/1 pickles have no magic: accept when a whole stream parses, or when a
        # broken one already imported something (a truncated payload is still a payload)
        result = _pickle(fh, size, "pickle", limits, deadline)
        if result.unanalysed_reason is None or result.globals:
            return result
    raise _Unanalysable(f"{UNKNOWN_CONTENT} (declared {declared})")


def _compression(head: bytes) -> str | None:
    """The compressor of a compressed pickle (joblib ``compress=``), from its magic."""
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh"):
        return "bz2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if len(head) >= 2 and head[0] == 0x78 and (head[0] * 256 + head[1]) % 31 == 0:
        return "zlib"
    if len(head) >= 13 and head[0] == 0x5D and head[1] == 0:
        return "lzma"  # LZMA "alone": properties byte 0x5D; 0x00 is not a pickle opcode
    return None


def _decompressor(kind: str) -> Any:
    if kind == "gzip":
        return zlib.decompressobj(wbits=31)
    if kind == "zlib":
        return zlib.decompressobj()
    if kind == "bz2":
        return bz2.BZ2Decompressor()
    if kind == "lzma":
        return lzma.LZMADecompressor(format=lzma.FORMAT_ALONE)
    return lzma.LZMADecompressor()


def _decompress(fh: BinaryIO, size: int, kind: str, limits: AnalysisLimits,
                deadline: float) -> bytes:
    """Decompress with a size cap and a ratio check on every step (never a zip bomb)."""
    d = _decompressor(kind)
    out = bytearray()
    consumed = 0
    fh.seek(0)
    try:
        while True:
            chunk = fh.read(1 << 20)
            consumed += len(chunk)
            data = chunk
            while True:
                room = limits.max_bytes + 1 - len(out)
                piece = d.decompress(data, room)
                out += piece
                if len(out) > limits.max_bytes:
                    raise _Unanalysable(f"{kind}-compressed content is larger than the "
                                        "analysis byte limit")
                if len(out) > max(consumed, 1) * limits.max_zip_ratio and len(out) > 1 << 20:
                    raise _Unanalysable(f"{kind}-compressed content has a ratio over "
                                        f"{limits.max_zip_ratio} (limits.max_zip_ratio); "
                                        "possible decompression bomb")
                _remaining(deadline)
                if kind in ("gzip", "zlib"):
                    data = d.unconsumed_tail
                    if not data or d.eof:
                        break
                else:
                    data = b""
                    if d.needs_input or d.eof:
                        break
            if d.eof or not chunk:
                break
    except (zlib.error, OSError, EOFError, lzma.LZMAError, ValueError) as exc:
        raise _Unanalysable(f"corrupt {kind}-compressed content ({exc})") from None
    if not d.eof:
        raise _Unanalysable(f"truncated {kind}-compressed content")
    return bytes(out)


def _compressed(fh: BinaryIO, size: int, kind: str, declared: str, limits: AnalysisLimits,
                deadline: float) -> FileAnalysis:
    data = _decompress(fh, size, kind, limits, deadline)
    head = data[:HEAD_BYTES]
    if sniff(head) in ("pickle", None) and declared != "sniffed":
        inner = _pickle(io.BytesIO(data), len(data),
                        "joblib" if declared == "joblib" else "pickle", limits, deadline)
    else:
        inner_declared = declared if declared != "joblib" else "pickle"
        inner = _dispatch(io.BytesIO(data), len(data), head, inner_declared, limits, deadline,
                          depth=1)
        if inner.format == "pickle" and declared == "joblib":
            inner = replace(inner, format="joblib")
    header = {**inner.header, "compression": kind, "decompressed_bytes": len(data)}
    return replace(inner, header=header, container=inner.container or kind)


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _Unanalysable("analysis time budget exhausted (limits.model_analysis_timeout)")
    return left


def _pickle_facts(analysis: PickleAnalysis) -> tuple[str | None, dict[str, Any]]:
    reason: str | None = None
    if analysis.limit == "timeout":
        reason = "analysis stopped at the time budget (limits.model_analysis_timeout)"
    elif analysis.limit == "opcodes":
        reason = "analysis stopped at the opcode budget"
    elif analysis.error is not None:
        reason = f"malformed pickle: {analysis.error}"
    header: dict[str, Any] = {"protocol": analysis.protocol, "opcodes": analysis.opcodes,
                              "streams": analysis.streams}
    if analysis.trailing_bytes:
        header["unparsed_bytes"] = analysis.trailing_bytes
    if analysis.joblib_inline_data:
        header["joblib_inline_data"] = True
    return reason, header


def _pickle(fh: BinaryIO, size: int, fmt: str, limits: AnalysisLimits, deadline: float,
            start: int = 0) -> FileAnalysis:
    analysis = analyse_stream(fh, size, timeout=_remaining(deadline), start=start,
                              multiple=True)
    reason, header = _pickle_facts(analysis)
    return FileAnalysis(format=fmt, pickle_based=True, globals=analysis.globals,
                        unanalysed_reason=reason, header=header, engines=analysis.engines,
                        engine_errors=analysis.engine_errors)


def _npy_header(data: bytes) -> dict[str, Any]:
    """Parse the .npy header (a Python dict literal) without eval: only the fields we need."""
    if len(data) < 10 or not data.startswith(NPY_MAGIC):
        raise _Unanalysable("truncated .npy header")
    major = data[6]
    if major == 1:
        (hlen,) = struct.unpack("<H", data[8:10])
        start = 10
    elif major in (2, 3):
        if len(data) < 12:
            raise _Unanalysable("truncated .npy header")
        (hlen,) = struct.unpack("<I", data[8:12])
        start = 12
    else:
        raise _Unanalysable(f"unsupported .npy format version {major}")
    if hlen > NPY_MAX_HEADER or start + hlen > len(data):
        raise _Unanalysable("truncated .npy header")
    text = data[start:start + hlen].decode("latin-1")
    import ast

    try:
        parsed = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError) as exc:
        raise _Unanalysable("malformed .npy header") from exc
    if not isinstance(parsed, dict) or "descr" not in parsed:
        raise _Unanalysable("malformed .npy header")
    descr = parsed["descr"]
    return {"descr": descr if isinstance(descr, str) else "structured",
            "object": _has_object(descr), "data_offset": start + hlen,
            "version": major}


def _has_object(descr: Any) -> bool:
    if isinstance(descr, str):
        return descr.lstrip("|<>=").startswith("O")
    if isinstance(descr, list | tuple):
        return any(_has_object(part) for part in descr)
    return False


def _npy(fh: BinaryIO, size: int, limits: AnalysisLimits, deadline: float,
         fmt_prefix: str = "") -> FileAnalysis:
    head = fh.read(min(size, NPY_MAX_HEADER + 16))
    header = _npy_header(head)
    facts = {"descr": header["descr"], "npy_version": header["version"]}
    if not header["object"]:
        return FileAnalysis(format="numpy", header=facts)
    sub = _pickle(fh, size, "numpy-object", limits, deadline, start=header["data_offset"])
    return FileAnalysis(format="numpy-object", pickle_based=True, globals=sub.globals,
                        unanalysed_reason=sub.unanalysed_reason,
                        header={**facts, **sub.header}, engines=sub.engines,
                        engine_errors=sub.engine_errors)


def _safetensors(fh: BinaryIO, size: int, head: bytes, limits: AnalysisLimits
                 ) -> FileAnalysis | None:
    if len(head) < 9 or head[8:9] != b"{":
        return None
    (n,) = struct.unpack("<Q", head[:8])
    if n > size - 8 or n > 100 * 1024 * 1024:
        return None
    fh.seek(8)
    raw = fh.read(n)
    try:
        header = json.loads(raw.decode("utf-8").rstrip(" "))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _Unanalysable("safetensors header is not valid JSON") from None
    if not isinstance(header, dict):
        raise _Unanalysable("safetensors header is not a JSON object")
    tensors = 0
    end = 0
    for key, entry in header.items():
        if key == "__metadata__":
            continue
        if not (isinstance(entry, dict) and isinstance(entry.get("data_offsets"), list)
                and len(entry["data_offsets"]) == 2 and isinstance(entry.get("dtype"), str)):
            raise _Unanalysable(f"safetensors tensor entry '{key}' is malformed")
        tensors += 1
        begin, stop = entry["data_offsets"]
        if not (isinstance(begin, int) and isinstance(stop, int) and 0 <= begin <= stop):
            raise _Unanalysable(f"safetensors tensor '{key}' has invalid offsets")
        end = max(end, stop)
    if 8 + n + end > size:
        raise _Unanalysable("safetensors data is truncated (offsets past the end of file)")
    return FileAnalysis(format="safetensors", header={"tensors": tensors})


def _looks_like_onnx(head: bytes) -> bool:
    """ModelProto starts with a protobuf tag: field 1..20, wire type 0 (varint) or 2."""
    if not head:
        return False
    tag = head[0]
    return tag & 0x07 in (0, 2) and 1 <= (tag >> 3) <= 20


def _json_model(fh: BinaryIO, size: int, head: bytes, declared: str, limits: AnalysisLimits
                ) -> FileAnalysis:
    if declared == "xgboost-ubj":
        # UBJSON object: '{' then a length marker for the first key
        if len(head) > 1 and head[1:2] in (b"i", b"U", b"I", b"l", b"L", b"}", b"#", b"$"):
            return FileAnalysis(format="xgboost-ubj")
        raise _Unanalysable("not a UBJSON object")
    if size > limits.max_bytes:
        raise _Unanalysable("JSON model larger than the analysis byte limit")
    try:
        doc = json.loads(fh.read(size).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _Unanalysable("JSON model is not valid JSON") from None
    if isinstance(doc, dict) and "learner" in doc:
        return FileAnalysis(format="xgboost-json", header={"version": _short(doc.get("version"))})
    if isinstance(doc, dict) and ("tree_info" in doc or doc.get("name") == "tree"):
        return FileAnalysis(format="lightgbm-json")
    return FileAnalysis(format="json")


def _short(value: Any) -> Any:
    return value if isinstance(value, list) and len(value) <= 4 else None


def _hdf5(fh: BinaryIO, size: int, limits: AnalysisLimits, deadline: float) -> FileAnalysis:
    with buffer_of(fh, size) as buf:
        configs = h5_model_configs(buf, limits.max_bytes, deadline)
    layers: list[str] = []
    objects: set[tuple[str, str, str | None, str]] = set()
    for cfg in configs:
        layers.extend(find_lambda_layers(cfg))
        objects.update(find_keras_objects(cfg))
    header = {"model_config_found": bool(configs)}
    return FileAnalysis(format="keras-h5", lambda_layers=tuple(sorted(set(layers))),
                        keras_objects=tuple(sorted(objects)),
                        header=header, engines=("hdf5-byte-scan",))


# ----------------------------------------------------------------------------- zip
def _zip_entry_count(fh: BinaryIO, size: int) -> int:
    """Member count from the end-of-central-directory record, before zipfile parses it."""
    tail_len = min(size, 65536 + 22)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    idx = tail.rfind(b"PK\x05\x06")
    if idx < 0 or idx + 22 > len(tail):
        raise _Unanalysable("zip archive without an end-of-central-directory record")
    (entries,) = struct.unpack("<H", tail[idx + 10:idx + 12])
    if entries == 0xFFFF:
        loc = tail.rfind(b"PK\x06\x07", 0, idx)
        if loc < 0:
            raise _Unanalysable("zip64 archive without a locator record")
        (eocd64,) = struct.unpack("<Q", tail[loc + 8:loc + 16])
        fh.seek(eocd64)
        rec = fh.read(56)
        if not rec.startswith(b"PK\x06\x06"):
            raise _Unanalysable("zip64 end-of-central-directory record not found")
        (entries,) = struct.unpack("<Q", rec[32:40])
    fh.seek(0)
    return int(entries)


@dataclass
class _LenientZip:
    """Reads members the way torch's loader does: from the central directory's offset and
    sizes, stored or deflated, ignoring the local header's name, the "encrypted" flag and
    the CRC (each is recorded as an anomaly instead; Python's ``zipfile`` refuses all
    three, which is how CVE-2025-1944/1945/10156 hid payloads from scanners)."""

    fh: BinaryIO
    limits: AnalysisLimits
    anomalies: set[str] = field(default_factory=set)

    def _start(self, info: zipfile.ZipInfo) -> int:
        if info.header_offset < 0:  # a damaged central directory (zipfile computes it)
            raise _Unanalysable(f"archive member {info.filename} has no local header")
        self.fh.seek(info.header_offset)
        hdr = self.fh.read(30)
        if len(hdr) < 30 or not hdr.startswith(b"PK\x03\x04"):
            raise _Unanalysable(f"archive member {info.filename} has no local header")
        flags = struct.unpack("<H", hdr[6:8])[0]
        nlen, elen = struct.unpack("<HH", hdr[26:30])
        raw_name = self.fh.read(nlen)
        name = raw_name.decode("utf-8" if flags & 0x800 else "cp437", "replace")
        if name != info.filename:
            self.anomalies.add("zip-name-mismatch")
        if (flags | info.flag_bits) & 0x1:
            self.anomalies.add("zip-encrypted-flag")
        return int(info.header_offset) + 30 + int(nlen) + int(elen)

    def _raw(self, info: zipfile.ZipInfo, n: int) -> bytes:
        self.fh.seek(self._start(info))
        return self.fh.read(n)

    def head(self, info: zipfile.ZipInfo, n: int = 16) -> bytes:
        """The first ``n`` bytes of a member (for sniffing); b"" when unreadable."""
        try:
            if info.compress_type == zipfile.ZIP_STORED:
                return self._raw(info, min(n, info.compress_size))
            if info.compress_type == zipfile.ZIP_DEFLATED:
                raw = self._raw(info, min(info.compress_size, 1 << 16))
                return zlib.decompressobj(-15).decompress(raw, n)
        except (zlib.error, OSError, _Unanalysable, struct.error):
            return b""
        return b""

    def read(self, info: zipfile.ZipInfo) -> bytes:
        limits = self.limits
        if info.file_size > limits.max_bytes:
            raise _Unanalysable(f"archive member {info.filename} is {info.file_size} bytes, "
                                "over the analysis limit")
        if info.compress_size and info.file_size / info.compress_size > limits.max_zip_ratio:
            raise _Unanalysable(f"archive member {info.filename} has a compression ratio over "
                                f"{limits.max_zip_ratio} (limits.max_zip_ratio); possible zip "
                                "bomb")
        try:
            raw = self._raw(info, info.compress_size)
            if len(raw) < info.compress_size:
                raise _Unanalysable(f"archive member {info.filename} is truncated")
            if info.compress_type == zipfile.ZIP_STORED:
                data = raw
            elif info.compress_type == zipfile.ZIP_DEFLATED:
                d = zlib.decompressobj(-15)
                data = d.decompress(raw, limits.max_bytes + 1)
            else:
                raise _Unanalysable(f"archive member {info.filename} uses compression method "
                                    f"{info.compress_type}, which model loaders do not read")
        except (zlib.error, OSError, struct.error) as exc:
            raise _Unanalysable(f"archive member {info.filename} cannot be read ({exc})"
                                ) from None
        if len(data) > limits.max_bytes or (
                info.compress_size and len(data) / info.compress_size > limits.max_zip_ratio
                and len(data) > 1 << 20):
            raise _Unanalysable(f"archive member {info.filename} expands past its declared "
                                "size; possible zip bomb")
        if zlib.crc32(data) != info.CRC:
            self.anomalies.add("zip-bad-crc")
        return data


def _is_pickle_head(head: bytes) -> bool:
    return head[:1] == b"\x80" and len(head) > 1 and 2 <= head[1] <= 5


def _zip(fh: BinaryIO, size: int, declared: str, limits: AnalysisLimits, deadline: float
         ) -> FileAnalysis:
    count = _zip_entry_count(fh, size)
    if count > limits.max_zip_members:
        raise _Unanalysable(f"zip archive has {count} members, over limits.max_zip_members "
                            f"({limits.max_zip_members})")
    try:
        zf = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError,
            RuntimeError, struct.error) as exc:
        reason = f"corrupt zip archive ({exc})"
        if declared in ("pytorch", "pickle", "joblib", "numpy", "keras"):
            return FileAnalysis(format="zip", unanalysed_reason=reason, container="zip",
                                unreadable_members=(("*", reason),))
        raise _Unanalysable(reason) from None
    reader = _LenientZip(fh=fh, limits=limits)
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        names = [i.filename for i in infos]
        if any(n == "config.json" for n in names) and (
                declared == "keras" or "metadata.json" in names or "model.weights.h5" in names):
            result = _keras_zip(reader, infos)
        else:
            result = _zip_members(reader, infos, limits, deadline)
    anomalies = tuple(sorted(reader.anomalies | set(result.container_anomalies)))
    return replace(result, container="zip", container_anomalies=anomalies)


def _zip_members(reader: _LenientZip, infos: list[zipfile.ZipInfo], limits: AnalysisLimits,
                 deadline: float) -> FileAnalysis:
    """Pickle members by name (``*.pkl``) or by content, numpy members by magic."""
    named: list[zipfile.ZipInfo] = []
    sniffed: list[zipfile.ZipInfo] = []
    arrays: list[zipfile.ZipInfo] = []
    for info in sorted(infos, key=lambda i: i.filename):
        _remaining(deadline)
        if PurePosixPath(info.filename).suffix == ".pkl":
            named.append(info)
            continue
        head = reader.head(info, 8)
        if head.startswith(NPY_MAGIC):
            arrays.append(info)
        elif _is_pickle_head(head) and "/data/" not in f"/{info.filename}":
            sniffed.append(info)
    if not (named or sniffed or arrays):
        raise _Unanalysable("zip archive without a recognised model layout")
    found: dict[tuple[str, str], GlobalFinding] = {}
    reason: str | None = None
    engines: set[str] = set()
    errors: list[tuple[str, str]] = []
    header: dict[str, Any] = {}
    pickle_members: list[str] = []
    unreadable: list[tuple[str, str]] = []
    for info in named + sniffed:
        try:
            data = reader.read(info)
        except _Unanalysable as exc:
            unreadable.append((info.filename, str(exc)))
            reason = reason or str(exc)
            continue
        analysis = analyse_stream(io.BytesIO(data), len(data), timeout=_remaining(deadline))
        if info in sniffed and analysis.streams == 0 and not analysis.globals:
            continue  # began like a pickle, is not one (raw tensor bytes)
        pickle_members.append(info.filename)
        engines.update(analysis.engines)
        errors.extend((e, f"{info.filename}: {why}") for e, why in analysis.engine_errors)
        sub_reason, sub_header = _pickle_facts(analysis)
        if info.filename.endswith("data.pkl"):
            header = sub_header
        if sub_reason is not None and reason is None:
            reason = f"{info.filename}: {sub_reason}"
        for g in analysis.globals:
            found.setdefault((g.module, g.name), g)
    array_members: list[str] = []
    for info in arrays:
        try:
            data = reader.read(info)
            sub = _npy(io.BytesIO(data), len(data), limits, deadline)
        except _Unanalysable as exc:
            unreadable.append((info.filename, str(exc)))
            reason = reason or f"{info.filename}: {exc}"
            continue
        if sub.pickle_based:
            pickle_members.append(info.filename)
        array_members.append(info.filename)
        engines.update(sub.engines)
        if sub.unanalysed_reason and reason is None:
            reason = f"{info.filename}: {sub.unanalysed_reason}"
        for g in sub.globals:
            found.setdefault((g.module, g.name), g)
    fmt = "pytorch" if (named or sniffed) else "npz"
    if fmt == "npz":
        header = {"arrays": len(array_members)}
    pickled = bool(named or sniffed) or any(m in pickle_members for m in array_members)
    return FileAnalysis(format=fmt, pickle_based=pickled,
                        globals=tuple(found[k] for k in sorted(found)),
                        pickle_members=tuple(sorted(pickle_members)),
                        unanalysed_reason=reason, header=header,
                        engines=tuple(sorted(engines)),
                        unreadable_members=tuple(unreadable), engine_errors=tuple(errors))


def _keras_zip(reader: _LenientZip, infos: list[zipfile.ZipInfo]) -> FileAnalysis:
    info = next(i for i in infos if i.filename == "config.json")
    data = reader.read(info)
    try:
        config = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _Unanalysable("config.json in the .keras archive is not valid JSON") from None
    layers = find_lambda_layers(config)
    return FileAnalysis(format="keras", lambda_layers=tuple(sorted(set(layers))),
                        keras_objects=tuple(sorted(set(find_keras_objects(config)))),
                        engines=("keras-config",))


# ----------------------------------------------------------------------- MinIO xl.meta
def _minio_xl(fh: BinaryIO, size: int, limits: AnalysisLimits, deadline: float
              ) -> FileAnalysis:
    """A MinIO ``xl.meta``: the object stored inline in it is analysed like a file found
    by content sniffing (mlscan.collectors.minio_xl reads the msgpack framing only)."""
    if size > limits.max_bytes:
        raise _Unanalysable("MinIO xl.meta larger than the analysis byte limit")
    fh.seek(0)
    data = fh.read(size)
    for obj in inline_objects(data, limits.max_bytes):
        _remaining(deadline)
        inner_head = obj.data[:HEAD_BYTES]
        try:
            inner = _dispatch(io.BytesIO(obj.data), len(obj.data), inner_head, "sniffed",
                              limits, deadline, depth=0 if not is_xl_meta(inner_head) else 1)
        except _Unanalysable:
            continue  # an inline object that is no model (a JSON config, a CSV)
        # the object's own container (zip, gzip, ...) stays the fact's ``container``
        header = {**inner.header, "minio_inline_object": obj.version,
                  "minio_object_bytes": len(obj.data)}
        return replace(inner, header=header, container=inner.container or "minio-xl")
    raise _Unanalysable(f"{UNKNOWN_CONTENT} (MinIO xl.meta without an inline model object)")


# ----------------------------------------------------------------------- other archives
PICKLE_DECLARED = frozenset({"pickle", "joblib", "pytorch"})


def _opaque_archive(fh: BinaryIO, size: int, kind: str, declared: str,
                    deadline: float) -> FileAnalysis:
    """A 7z or rar archive: no model loader reads one, and mlscan does not decompress it.
    Imports stored uncompressed are still found by a byte scan of the archive. Declared as
    a pickle-based model (by its name), its content is unreadable; found by sniffing, it is
    only an archive."""
    with buffer_of(fh, size) as buf:
        region = bytes(buf[:min(size, BYTE_SCAN_MAX)])
    _remaining(deadline)
    seen = {(g.module, g.name): g for g in byte_scan(region)}
    globals_ = tuple(GlobalFinding(module=m, name=n, classification="dangerous",
                                   sources=("byte-scan",), opcodes=(seen[(m, n)].opcode,))
                     for m, n in sorted(seen))
    reason = f"{kind} archive: its members are not decompressed by mlscan"
    unreadable = (("*", reason),) if declared in PICKLE_DECLARED else ()
    return FileAnalysis(format=kind, container=kind, globals=globals_,
                        unanalysed_reason=reason, engines=("byte-scan",),
                        unreadable_members=unreadable)


def _tar(fh: BinaryIO, size: int, limits: AnalysisLimits, deadline: float) -> FileAnalysis:
    """A tar archive (legacy torch.save wrote one): members that hold a pickle or an array
    are analysed; links and devices are never followed."""
    found: dict[tuple[str, str], GlobalFinding] = {}
    members: list[str] = []
    unreadable: list[tuple[str, str]] = []
    engines: set[str] = set()
    reason: str | None = None
    try:
        with tarfile.open(fileobj=fh, mode="r:") as tf:
            count = 0
            for member in tf:
                count += 1
                if count > limits.max_zip_members:
                    raise _Unanalysable("tar archive has more members than "
                                        "limits.max_zip_members")
                _remaining(deadline)
                if not member.isreg():
                    continue
                if member.size > limits.max_bytes:
                    unreadable.append((member.name, "over the analysis byte limit"))
                    continue
                extracted = tf.extractfile(member)
                if extracted is None:
                    continue
                data = extracted.read(limits.max_bytes)
                kind = sniff(data[:HEAD_BYTES])
                if kind == "numpy":
                    sub = _npy(io.BytesIO(data), len(data), limits, deadline)
                elif kind == "pickle":
                    sub = _pickle(io.BytesIO(data), len(data), "pickle", limits, deadline)
                else:
                    continue
                if sub.pickle_based:
                    members.append(member.name)
                engines.update(sub.engines)
                if sub.unanalysed_reason and reason is None:
                    reason = f"{member.name}: {sub.unanalysed_reason}"
                for g in sub.globals:
                    found.setdefault((g.module, g.name), g)
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        unreadable.append(("*", f"tar archive cannot be read ({exc})"))
        reason = reason or f"tar archive cannot be read ({exc})"
    return FileAnalysis(format="tar", container="tar", pickle_based=bool(members),
                        globals=tuple(found[k] for k in sorted(found)),
                        pickle_members=tuple(sorted(members)), unanalysed_reason=reason,
                        engines=tuple(sorted(engines)), unreadable_members=tuple(unreadable))
