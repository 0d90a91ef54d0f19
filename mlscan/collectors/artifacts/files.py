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
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, BinaryIO

from mlscan.collectors.artifacts.keras import find_lambda_layers, h5_model_configs
from mlscan.collectors.artifacts.pickles import (
    GlobalFinding,
    PickleAnalysis,
    analyse_stream,
    buffer_of,
)

TORCH_LEGACY_MAGIC = b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19"
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
NPY_MAGIC = b"\x93NUMPY"
NPY_MAX_HEADER = 100_000  # numpy itself refuses headers over 10,000 bytes by default
UNKNOWN_CONTENT = "content does not match any known model format"
PICKLE_BASED = frozenset({"pickle", "joblib", "pytorch", "pytorch-legacy", "numpy-object"})
# declared format (from the extension) -> detected formats that are consistent with it
COMPATIBLE: dict[str, frozenset[str]] = {
    "pickle": frozenset({"pickle", "joblib", "pytorch-legacy"}),
    "joblib": frozenset({"pickle", "joblib"}),
    "pytorch": frozenset({"pytorch", "pytorch-legacy", "pickle", "safetensors"}),
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

    @property
    def verdict(self) -> str:
        classes = {g.classification for g in self.globals}
        if "dangerous" in classes:
            return "dangerous"
        if self.unanalysed_reason is not None:
            return "unanalysed"
        if "unknown" in classes or self.lambda_layers:
            return "suspicious"
        return "safe"


class _Unanalysable(Exception):
    pass


def analyse_file(fh: BinaryIO, size: int, declared: str, limits: AnalysisLimits) -> FileAnalysis:
    """Analyse the open file ``fh`` of ``size`` bytes whose extension says ``declared``."""
    deadline = time.monotonic() + limits.timeout
    head = fh.read(64)
    fh.seek(0)
    try:
        return _dispatch(fh, size, head, declared, limits, deadline)
    except _Unanalysable as exc:
        return FileAnalysis(format=_guess(head, declared), unanalysed_reason=str(exc))


def _guess(head: bytes, declared: str) -> str:
    if head.startswith(b"PK"):
        return "zip"
    return declared if declared not in ("model", "other") else "unknown"


def _dispatch(fh: BinaryIO, size: int, head: bytes, declared: str, limits: AnalysisLimits,
              deadline: float) -> FileAnalysis:
    if size == 0:
        raise _Unanalysable("the file is empty")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip(fh, size, declared, limits, deadline)
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
    if compression is not None and declared in ("pickle", "joblib", "pytorch", "model", "other"):
        return _compressed(fh, size, compression, declared, limits, deadline)
    if head.startswith(TORCH_LEGACY_MAGIC):
        return _pickle(fh, size, "pytorch-legacy", limits, deadline)
    if head[:1] == b"\x80" and len(head) > 1 and head[1] <= 5:
        return _pickle(fh, size, "joblib" if declared == "joblib" else "pickle", limits,
                       deadline)
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
    inner = _pickle(io.BytesIO(data), len(data), "joblib" if declared == "joblib" else "pickle",
                    limits, deadline)
    header = {**inner.header, "compression": kind, "decompressed_bytes": len(data)}
    return FileAnalysis(format=inner.format, pickle_based=True, globals=inner.globals,
                        unanalysed_reason=inner.unanalysed_reason, header=header,
                        engines=inner.engines)


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
                        unanalysed_reason=reason, header=header, engines=analysis.engines)


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
                        header={**facts, **sub.header}, engines=sub.engines)


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
    for cfg in configs:
        layers.extend(find_lambda_layers(cfg))
    header = {"model_config_found": bool(configs)}
    return FileAnalysis(format="keras-h5", lambda_layers=tuple(sorted(set(layers))),
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


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: AnalysisLimits) -> bytes:
    if info.file_size > limits.max_bytes:
        raise _Unanalysable(f"archive member {info.filename} is {info.file_size} bytes, over "
                            "the analysis limit")
    if info.compress_size and info.file_size / info.compress_size > limits.max_zip_ratio:
        raise _Unanalysable(f"archive member {info.filename} has a compression ratio over "
                            f"{limits.max_zip_ratio} (limits.max_zip_ratio); possible zip bomb")
    try:
        with zf.open(info) as member:
            data = member.read(limits.max_bytes + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
            RuntimeError, ValueError) as exc:
        raise _Unanalysable(f"archive member {info.filename} cannot be read ({exc})") from None
    if len(data) > limits.max_bytes or (
            info.compress_size and len(data) / info.compress_size > limits.max_zip_ratio):
        raise _Unanalysable(f"archive member {info.filename} expands past its declared size; "
                            "possible zip bomb")
    return data


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
        raise _Unanalysable(f"corrupt zip archive ({exc})") from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        names = [i.filename for i in infos]
        if any(n == "config.json" for n in names) and (
                declared == "keras" or "metadata.json" in names or "model.weights.h5" in names):
            return _keras_zip(zf, infos, limits)
        pickles = sorted((i for i in infos if PurePosixPath(i.filename).suffix == ".pkl"),
                         key=lambda i: i.filename)
        if pickles:
            return _zip_pickles(zf, pickles, limits, deadline)
        npys = [i for i in infos if i.filename.endswith(".npy")]
        if npys and len(npys) == len(infos):
            return _npz(zf, sorted(npys, key=lambda i: i.filename), limits, deadline)
    raise _Unanalysable("zip archive without a recognised model layout")


def _zip_pickles(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: AnalysisLimits,
                 deadline: float) -> FileAnalysis:
    found: dict[tuple[str, str], GlobalFinding] = {}
    reason: str | None = None
    engines: set[str] = set()
    header: dict[str, Any] = {}
    for info in infos:
        data = _read_member(zf, info, limits)
        analysis = analyse_stream(io.BytesIO(data), len(data), timeout=_remaining(deadline))
        engines.update(analysis.engines)
        sub_reason, sub_header = _pickle_facts(analysis)
        if info.filename.endswith("data.pkl"):
            header = sub_header
        if sub_reason is not None and reason is None:
            reason = f"{info.filename}: {sub_reason}"
        for g in analysis.globals:
            found.setdefault((g.module, g.name), g)
    return FileAnalysis(format="pytorch", pickle_based=True,
                        globals=tuple(found[k] for k in sorted(found)),
                        pickle_members=tuple(i.filename for i in infos),
                        unanalysed_reason=reason, header=header, engines=tuple(sorted(engines)))


def _npz(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: AnalysisLimits,
         deadline: float) -> FileAnalysis:
    found: dict[tuple[str, str], GlobalFinding] = {}
    members: list[str] = []
    reason: str | None = None
    for info in infos:
        data = _read_member(zf, info, limits)
        sub = _npy(io.BytesIO(data), len(data), limits, deadline)
        if sub.pickle_based:
            members.append(info.filename)
        if sub.unanalysed_reason and reason is None:
            reason = f"{info.filename}: {sub.unanalysed_reason}"
        for g in sub.globals:
            found.setdefault((g.module, g.name), g)
    return FileAnalysis(format="npz", pickle_based=bool(members),
                        globals=tuple(found[k] for k in sorted(found)),
                        pickle_members=tuple(members), unanalysed_reason=reason,
                        header={"arrays": len(infos)})


def _keras_zip(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: AnalysisLimits
               ) -> FileAnalysis:
    info = next(i for i in infos if i.filename == "config.json")
    data = _read_member(zf, info, limits)
    try:
        config = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _Unanalysable("config.json in the .keras archive is not valid JSON") from None
    layers = find_lambda_layers(config)
    return FileAnalysis(format="keras", lambda_layers=tuple(sorted(set(layers))),
                        engines=("keras-config",))
