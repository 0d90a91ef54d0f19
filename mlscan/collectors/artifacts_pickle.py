"""Static analysis of pickle streams. Nothing here ever unpickles.

Two engines look at the same bytes and their findings are merged:

* **picklescan** (``picklescan.scanner.scan_pickle_bytes``): the maintained denylist and
  allowlist of globals used across the ecosystem. It disassembles with
  ``pickletools.genops`` and keeps every opcode in a list, so it only runs on streams
  whose opcode count the walker below has already bounded.
* **the opcode walker** (this module): reads opcodes one by one with the argument
  descriptors of ``pickletools`` and keeps a *symbolic* stack and memo, so a
  ``STACK_GLOBAL`` whose module and name were memoized far away (``BINPUT`` /
  ``MEMOIZE`` … ``BINGET``) still resolves to the real ``module.name``. It seeks over
  large byte payloads instead of reading them (bounded memory), stops at a deadline and an
  opcode budget (bounded time, no threads), and after the pickle stream ends — or breaks,
  as in joblib files whose raw array bytes sit inside the stream — it byte-scans the rest
  for import opcodes of dangerous modules.

docs/model-analysis.md has the measurements behind this choice.
"""

from __future__ import annotations

import io
import logging
import pickletools
import re
import struct
import time
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from mlscan.collectors.artifacts_globals import DANGEROUS_MODULES, DANGEROUS_NAMES, classify

MAX_LINE = 64 * 1024  # protocol-0 text arguments
MAX_STRING = 64 * 1024  # strings kept on the symbolic stack; longer ones are skipped
DEFAULT_MAX_OPCODES = 5_000_000
PICKLESCAN_MAX_OPCODES = 200_000  # picklescan materialises every opcode in a list
PICKLESCAN_MAX_BYTES = 64 * 1024 * 1024
BYTE_SCAN_MAX = 64 * 1024 * 1024
_CHECK_EVERY = 1024

_CODE2OP: dict[int, pickletools.OpcodeInfo] = {
    op.code.encode("latin-1")[0]: op for op in pickletools.opcodes
}
_STR_OPS = frozenset({"SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "SHORT_BINSTRING",
                      "BINSTRING"})
_LENGTH_FORMATS = {
    pickletools.TAKEN_FROM_ARGUMENT1: ("<B", 1),
    pickletools.TAKEN_FROM_ARGUMENT4: ("<i", 4),
    pickletools.TAKEN_FROM_ARGUMENT4U: ("<I", 4),
    pickletools.TAKEN_FROM_ARGUMENT8U: ("<Q", 8),
}

logging.getLogger("picklescan").addHandler(logging.NullHandler())


class _Mark:
    __slots__ = ()


_MARK = _Mark()


@dataclass(frozen=True, kw_only=True, order=True)
class PickleGlobal:
    module: str
    name: str
    opcode: str = field(compare=False)  # GLOBAL, STACK_GLOBAL, INST, EXT*, byte-scan
    offset: int = field(compare=False)  # byte offset of the opcode in the analysed stream

    @property
    def dotted(self) -> str:
        return f"{self.module}.{self.name}"


@dataclass(frozen=True, kw_only=True)
class WalkResult:
    globals: tuple[PickleGlobal, ...]
    opcodes: int
    streams: int  # complete pickle streams (ending in STOP)
    protocol: int | None
    error: str | None = None  # the first stream is malformed or truncated
    error_offset: int | None = None
    limit: str | None = None  # "timeout" or "opcodes" when a budget stopped the walk
    trailing_bytes: int = 0  # bytes after the last stream that are not a pickle


class WalkLimit(Exception):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class _Malformed(Exception):
    pass


@dataclass
class _Walker:
    fh: BinaryIO
    size: int
    deadline: float
    max_opcodes: int
    opcodes: int = 0
    last_pos: int = 0
    globals: list[PickleGlobal] = field(default_factory=list)
    protocol: int | None = None

    def _read(self, n: int) -> bytes:
        data = self.fh.read(n)
        if len(data) != n:
            raise _Malformed(f"truncated: expected {n} bytes, {len(data)} left")
        return data

    def _line(self) -> bytes:
        line = self.fh.readline(MAX_LINE)
        if not line.endswith(b"\n"):
            raise _Malformed("truncated or over-long text argument")
        return line

    def _record(self, module: str, name: str, opcode: str, offset: int) -> None:
        self.globals.append(PickleGlobal(module=module, name=name, opcode=opcode, offset=offset))

    def stream(self) -> None:
        """Walk one pickle stream up to and including STOP."""
        stack: list[Any] = []
        memo: dict[int, Any] = {}
        fh = self.fh
        while True:
            self.opcodes += 1
            if self.opcodes % _CHECK_EVERY == 0 and time.monotonic() > self.deadline:
                raise WalkLimit("timeout")
            if self.opcodes > self.max_opcodes:
                raise WalkLimit("opcodes")
            pos = fh.tell()
            self.last_pos = pos
            code = fh.read(1)
            if not code:
                raise _Malformed("truncated: the stream ends without STOP")
            op = _CODE2OP.get(code[0])
            if op is None:
                raise _Malformed(f"invalid opcode 0x{code[0]:02x}")
            name = op.name
            arg: Any = None
            value: Any = None
            if op.arg is not None:
                n = op.arg.n
                if name in ("GLOBAL", "INST"):
                    raw = self._line() + self._line()
                    try:
                        mod_b, attr_b = raw.split(b"\n")[:2]
                        arg = (mod_b.decode("utf-8", "replace"), attr_b.decode("utf-8", "replace"))
                    except ValueError as exc:
                        raise _Malformed(f"malformed {name} argument") from exc
                elif n >= 0:
                    arg = op.arg.reader(io.BytesIO(self._read(n)))
                elif n == pickletools.UP_TO_NEWLINE:
                    try:
                        arg = op.arg.reader(io.BytesIO(self._line()))
                    except ValueError as exc:
                        raise _Malformed(f"malformed {name} argument") from exc
                else:
                    fmt, width = _LENGTH_FORMATS[n]
                    (length,) = struct.unpack(fmt, self._read(width))
                    if length < 0:
                        raise _Malformed(f"negative length in {name}")
                    if pos + 1 + width + length > self.size:
                        raise _Malformed(f"truncated: {name} claims {length} bytes")
                    if name in _STR_OPS and length <= MAX_STRING:
                        data = self._read(length)
                        value = data.decode("utf-8" if "UNICODE" in name else "latin-1",
                                            "replace")
                    else:
                        fh.seek(length, io.SEEK_CUR)
            self._step(name, arg, value, pos, stack, memo)
            if name == "STOP":
                return

    def _step(self, name: str, arg: Any, value: Any, pos: int, stack: list[Any],
              memo: dict[int, Any]) -> None:
        if name == "PROTO":
            if self.protocol is None:
                self.protocol = int(arg)
            return
        if name in ("STRING", "UNICODE"):
            stack.append(arg if isinstance(arg, str) else None)
            return
        if name in _STR_OPS:
            stack.append(value)
            return
        if name in ("GLOBAL", "INST"):
            if name == "INST":
                _pop_mark(stack)
            self._record(arg[0], arg[1], name, pos)
            stack.append(None)
            return
        if name == "STACK_GLOBAL":
            attr = stack.pop() if stack else None
            mod = stack.pop() if stack else None
            self._record(mod if isinstance(mod, str) else "<dynamic>",
                         attr if isinstance(attr, str) else "<dynamic>", name, pos)
            stack.append(None)
            return
        if name in ("EXT1", "EXT2", "EXT4"):
            self._record("copyreg._extension_registry", str(arg), name, pos)
            stack.append(None)
            return
        if name == "MEMOIZE":
            memo[len(memo)] = stack[-1] if stack else None
            return
        if name in ("PUT", "BINPUT", "LONG_BINPUT"):
            memo[int(arg)] = stack[-1] if stack else None
            return
        if name in ("GET", "BINGET", "LONG_BINGET"):
            stack.append(memo.get(int(arg)))
            return
        if name == "DUP":
            stack.append(stack[-1] if stack else None)
            return
        if name == "MARK":
            stack.append(_MARK)
            return
        op = _NAME2OP[name]
        before = op.stack_before
        if pickletools.markobject in before:
            _pop_mark(stack)
            extra = before.index(pickletools.markobject)
        else:
            extra = len(before)
        for _ in range(extra):
            if stack:
                stack.pop()
        stack.extend([None] * len(op.stack_after))


_NAME2OP: dict[str, pickletools.OpcodeInfo] = {op.name: op for op in pickletools.opcodes}


def _pop_mark(stack: list[Any]) -> None:
    while stack:
        if stack.pop() is _MARK:
            return


def walk(fh: BinaryIO, size: int, *, timeout: float, max_opcodes: int = DEFAULT_MAX_OPCODES,
         multiple: bool = True, start: int = 0) -> WalkResult:
    """Walk the pickle stream(s) in ``fh`` from ``start``; never executes anything.

    With ``multiple`` the walk goes on after STOP while more bytes follow (legacy torch
    files hold several streams). Bytes after the last well-formed stream are
    ``trailing_bytes``; they are byte-scanned for dangerous imports by ``analyse``.
    """
    walker = _Walker(fh=fh, size=size, deadline=time.monotonic() + timeout,
                     max_opcodes=max_opcodes)
    fh.seek(start)
    streams = 0
    error: str | None = None
    error_offset: int | None = None
    limit: str | None = None
    trailing = 0
    while True:
        here = fh.tell()
        try:
            walker.stream()
            streams += 1
        except WalkLimit as exc:
            limit = exc.kind
            break
        except (_Malformed, ValueError, struct.error, OverflowError) as exc:
            if streams == 0:
                error, error_offset = str(exc), walker.last_pos
            else:
                trailing = size - here
            break
        if not multiple or fh.tell() >= size:
            break
    return WalkResult(globals=tuple(walker.globals), opcodes=walker.opcodes, streams=streams,
                      protocol=walker.protocol, error=error, error_offset=error_offset,
                      limit=limit, trailing_bytes=trailing)


# ------------------------------------------------------------------------------ byte scan
_GLOBAL_RE = re.compile(rb"[ci]([A-Za-z_][\w.]{0,127})\n([A-Za-z_][\w.]{0,127})\n")
_SBU_RE = re.compile(rb"\x8c([\x01-\x7f])")
_MEMO_RE = re.compile(rb"(?:\x94|q.|r....)?", re.DOTALL)


def byte_scan(data: bytes, base: int = 0) -> list[PickleGlobal]:
    """Import opcodes of *dangerous* globals anywhere in ``data`` (unparsed regions)."""
    found: list[PickleGlobal] = []
    for m in _GLOBAL_RE.finditer(data):
        mod, attr = m.group(1).decode(), m.group(2).decode()
        if classify(mod, attr) == "dangerous":
            found.append(PickleGlobal(module=mod, name=attr, opcode="byte-scan",
                                      offset=base + m.start()))
    for m in _SBU_RE.finditer(data):
        n = m.group(1)[0]
        start = m.end()
        mod = data[start:start + n].decode("utf-8", "replace")
        if not _dangerous_module(mod):
            continue
        pos = start + n
        memo = _MEMO_RE.match(data, pos)
        pos = memo.end() if memo else pos
        if data[pos:pos + 1] != b"\x8c" or pos + 2 > len(data):
            continue
        ln = data[pos + 1]
        attr = data[pos + 2:pos + 2 + ln].decode("utf-8", "replace")
        pos += 2 + ln
        memo = _MEMO_RE.match(data, pos)
        pos = memo.end() if memo else pos
        if data[pos:pos + 1] == b"\x93" and classify(mod, attr) == "dangerous":
            found.append(PickleGlobal(module=mod, name=attr, opcode="byte-scan",
                                      offset=base + m.start()))
    return found


def _dangerous_module(mod: str) -> bool:
    return mod in DANGEROUS_MODULES or mod in DANGEROUS_NAMES or mod.split(".")[0] in (
        DANGEROUS_MODULES)


# ------------------------------------------------------------------------------ analysis
@dataclass(frozen=True, kw_only=True)
class GlobalFinding:
    module: str
    name: str
    classification: str
    sources: tuple[str, ...]  # which engines saw it: opcodes, picklescan, byte-scan


@dataclass(frozen=True, kw_only=True)
class PickleAnalysis:
    globals: tuple[GlobalFinding, ...]
    opcodes: int
    streams: int
    protocol: int | None
    error: str | None
    limit: str | None
    trailing_bytes: int  # bytes not parsed as pickle opcodes (byte-scanned instead)
    engines: tuple[str, ...]
    joblib_inline_data: bool = False  # joblib array bytes interrupt the opcode stream


def analyse(data: bytes, *, timeout: float, multiple: bool = True, start: int = 0,
            max_opcodes: int = DEFAULT_MAX_OPCODES) -> PickleAnalysis:
    """Analyse an in-memory pickle stream (``data[start:]``)."""
    buf = io.BytesIO(data)
    return analyse_stream(buf, len(data), timeout=timeout, multiple=multiple, start=start,
                          max_opcodes=max_opcodes)


def analyse_stream(fh: BinaryIO, size: int, *, timeout: float, multiple: bool = True,
                   start: int = 0, max_opcodes: int = DEFAULT_MAX_OPCODES) -> PickleAnalysis:
    """Walk, then (when bounded) picklescan, then byte-scan whatever did not parse."""
    result = walk(fh, size, timeout=timeout, max_opcodes=max_opcodes, multiple=multiple,
                  start=start)
    seen: dict[tuple[str, str], set[str]] = {}
    for g in result.globals:
        seen.setdefault((g.module, g.name), set()).add("opcodes")
    engines = ["opcodes"]
    upstream: dict[tuple[str, str], str] = {}
    span = size - start
    if (result.limit is None and result.opcodes <= PICKLESCAN_MAX_OPCODES
            and span <= PICKLESCAN_MAX_BYTES):
        fh.seek(start)
        chunk = fh.read(span)
        upstream = _picklescan(chunk)
        if upstream or result.opcodes:
            engines.append("picklescan")
        for key, level in upstream.items():
            # the walker resolves memo-hidden names itself; picklescan-only names are kept
            # when its denylist calls them dangerous, dropped otherwise (mis-resolved memo)
            if key in seen or level == "dangerous":
                seen.setdefault(key, set()).add("picklescan")
    unparsed_from: int | None = None
    error = result.error
    trailing = result.trailing_bytes
    joblib = False
    if error is not None and result.error_offset is not None and any(
            g.module == "joblib.numpy_pickle" for g in result.globals):
        # joblib writes raw array bytes right after each NumpyArrayWrapper's BUILD; the
        # rest of the file is byte-scanned instead of walked.
        joblib, error = True, None
        trailing = size - result.error_offset
        unparsed_from = result.error_offset
    elif error is not None:
        unparsed_from = start
    elif trailing:
        unparsed_from = size - result.trailing_bytes
    if unparsed_from is not None and result.limit is None:
        fh.seek(unparsed_from)
        region = fh.read(min(size - unparsed_from, BYTE_SCAN_MAX))
        for g in byte_scan(region, unparsed_from):
            seen.setdefault((g.module, g.name), set()).add("byte-scan")
        engines.append("byte-scan")
    found = []
    for (mod, attr), sources in sorted(seen.items()):
        cls = classify(mod, attr)
        if upstream.get((mod, attr)) == "dangerous":
            cls = "dangerous"
        found.append(GlobalFinding(module=mod, name=attr, classification=cls,
                                   sources=tuple(sorted(sources))))
    return PickleAnalysis(globals=tuple(found), opcodes=result.opcodes, streams=result.streams,
                          protocol=result.protocol, error=error, limit=result.limit,
                          trailing_bytes=trailing, engines=tuple(engines),
                          joblib_inline_data=joblib)


def _picklescan(data: bytes) -> dict[tuple[str, str], str]:
    """picklescan's verdict per global (static: ``scan_pickle_bytes`` disassembles only)."""
    try:
        from picklescan.scanner import SafetyLevel, scan_pickle_bytes
    except ImportError:  # pragma: no cover - declared dependency
        return {}
    try:
        res = scan_pickle_bytes(io.BytesIO(data), "model", multiple_pickles=True)
    except Exception:  # a third-party parser failure must not crash a scan
        return {}
    out: dict[tuple[str, str], str] = {}
    for g in res.globals:
        level = "dangerous" if g.safety == SafetyLevel.Dangerous else (
            "safe" if g.safety == SafetyLevel.Innocuous else "unknown")
        module = g.module if g.module != "unknown" else "<dynamic>"
        name = g.name if g.name != "unknown" else "<dynamic>"
        out[(module, name)] = level
    return out
