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

import contextlib
import functools
import io
import logging
import mmap
import pickletools
import re
import struct
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from mlscan.collectors.artifacts.globals import classify, dangerous_module

MAX_LINE = 64 * 1024  # protocol-0 text arguments kept (longer ones are skipped)
MAX_STRING = 64 * 1024  # strings kept on the symbolic stack; longer ones are skipped
DEFAULT_MAX_OPCODES = 5_000_000
PICKLESCAN_MAX_OPCODES = 200_000  # picklescan materialises every opcode in a list
PICKLESCAN_MAX_BYTES = 64 * 1024 * 1024
BYTE_SCAN_MAX = 64 * 1024 * 1024
_CHECK_MASK = 1023  # deadline and budget checked every 1,024 opcodes

Buffer = bytes | mmap.mmap
_LENGTH_FORMATS = {
    pickletools.TAKEN_FROM_ARGUMENT1: ("<B", 1),
    pickletools.TAKEN_FROM_ARGUMENT4: ("<i", 4),
    pickletools.TAKEN_FROM_ARGUMENT4U: ("<I", 4),
    pickletools.TAKEN_FROM_ARGUMENT8U: ("<Q", 8),
}

# picklescan logs a warning per dangerous global; mlscan reports them as facts instead, and
# creating those log records would cost more than the rating itself
logging.getLogger("picklescan").addHandler(logging.NullHandler())
logging.getLogger("picklescan").setLevel(logging.CRITICAL)


class _Mark:
    __slots__ = ()


_MARK = _Mark()


@dataclass(frozen=True)
class _Global:
    """A global on the symbolic stack (what GLOBAL / STACK_GLOBAL pushed)."""

    module: str
    name: str


@dataclass(frozen=True)
class _DType:
    """``numpy.dtype(<code>, ...)`` rebuilt on the symbolic stack."""

    code: str


class _Dict(dict[str, Any]):
    """A dict built on the symbolic stack (only string keys are kept)."""


class _JoblibArray:
    """A ``joblib.numpy_pickle.NumpyArrayWrapper`` instance: its BUILD is followed by the
    raw array bytes, which the walker skips (see ``_Walker.joblib_array``)."""

    __slots__ = ()


_NUMPY_DTYPE = _Global("numpy", "dtype")
_JOBLIB_WRAPPER = _Global("joblib.numpy_pickle", "NumpyArrayWrapper")
_DTYPE_CODE = re.compile(r"^[<>|=]?([bBiufcmMOSUV?])(\d*)$")


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


# Per-opcode table: (name, argument kind, struct format, width, pops to a MARK, extra pops,
# pushes, action, text encoding). Argument kinds: none, one unsigned byte, other fixed
# width, one text line, two text lines, length in one byte, other length prefixes. The
# action says what the symbolic stack does (_A_GENERIC: pop and push opaque values).
_K_NONE, _K_BYTE, _K_FIXED, _K_LINE, _K_PAIR, _K_LEN1, _K_LEN = range(7)
_FIXED_FORMATS = {"uint1": "<B", "uint2": "<H", "int4": "<i", "uint4": "<I", "uint8": "<Q",
                  "float8": ">d"}
(_A_GENERIC, _A_STR, _A_PUT, _A_GET, _A_MEMOIZE, _A_MARK, _A_VALUE, _A_TUPLE_N,
 _A_EMPTY_TUPLE, _A_TUPLE, _A_CONST, _A_EMPTY_DICT, _A_SETITEMS, _A_SETITEM, _A_REDUCE,
 _A_NEWOBJ, _A_BUILD, _A_STACK_GLOBAL, _A_GLOBAL, _A_INST, _A_TEXT, _A_INT, _A_DUP, _A_EXT,
 _A_PROTO, _A_STOP) = range(26)
_ACTIONS = {
    "SHORT_BINUNICODE": _A_STR, "BINUNICODE": _A_STR, "BINUNICODE8": _A_STR,
    "SHORT_BINSTRING": _A_STR, "BINSTRING": _A_STR,
    "PUT": _A_PUT, "BINPUT": _A_PUT, "LONG_BINPUT": _A_PUT,
    "GET": _A_GET, "BINGET": _A_GET, "LONG_BINGET": _A_GET,
    "MEMOIZE": _A_MEMOIZE, "MARK": _A_MARK,
    "BININT": _A_VALUE, "BININT1": _A_VALUE, "BININT2": _A_VALUE,
    "TUPLE1": _A_TUPLE_N, "TUPLE2": _A_TUPLE_N, "TUPLE3": _A_TUPLE_N,
    "EMPTY_TUPLE": _A_EMPTY_TUPLE, "TUPLE": _A_TUPLE,
    "NEWTRUE": _A_CONST, "NEWFALSE": _A_CONST, "NONE": _A_CONST,
    "EMPTY_DICT": _A_EMPTY_DICT, "SETITEMS": _A_SETITEMS, "SETITEM": _A_SETITEM,
    "REDUCE": _A_REDUCE, "NEWOBJ": _A_NEWOBJ, "BUILD": _A_BUILD,
    "STACK_GLOBAL": _A_STACK_GLOBAL, "GLOBAL": _A_GLOBAL, "INST": _A_INST,
    "STRING": _A_TEXT, "UNICODE": _A_TEXT, "INT": _A_INT, "DUP": _A_DUP,
    "EXT1": _A_EXT, "EXT2": _A_EXT, "EXT4": _A_EXT, "PROTO": _A_PROTO, "STOP": _A_STOP,
}
_TUPLE_N = {"TUPLE1": 1, "TUPLE2": 2, "TUPLE3": 3}
_CONSTANTS = {"NEWTRUE": True, "NEWFALSE": False, "NONE": None}
_OpInfo = tuple[str, int, str, int, bool, int, int, int, str]


def _op_table() -> dict[int, _OpInfo]:
    table: dict[int, _OpInfo] = {}
    for op in pickletools.opcodes:
        fmt, width, kind = "", 0, _K_NONE
        if op.arg is not None:
            if op.name in ("GLOBAL", "INST"):
                kind = _K_PAIR
            elif op.arg.n >= 0:
                kind, fmt, width = _K_FIXED, _FIXED_FORMATS[op.arg.name], op.arg.n
                if op.arg.name == "uint1":
                    kind = _K_BYTE
            elif op.arg.n == pickletools.UP_TO_NEWLINE:
                kind = _K_LINE
            else:
                kind = _K_LEN
                fmt, width = _LENGTH_FORMATS[op.arg.n]
                if op.arg.n == pickletools.TAKEN_FROM_ARGUMENT1:
                    kind = _K_LEN1
        before = op.stack_before
        has_mark = pickletools.markobject in before
        extra = before.index(pickletools.markobject) if has_mark else len(before)
        action = _ACTIONS.get(op.name, _A_GENERIC)
        encoding = "utf-8" if "UNICODE" in op.name else "latin-1"
        table[op.code.encode("latin-1")[0]] = (op.name, kind, fmt, width, has_mark, extra,
                                               len(op.stack_after), action, encoding)
    return table


_OPS = _op_table()


def _text(buf: Buffer, i: int, limit: int) -> tuple[bytes | None, int]:
    """The text argument at ``i`` (without the newline) and the offset after it; None for
    a line longer than MAX_LINE (skipped, not copied)."""
    nl = buf.find(b"\n", i, limit)
    if nl < 0:
        raise _Malformed("truncated: a text argument has no newline")
    if nl - i > MAX_LINE:
        return None, nl + 1
    return bytes(buf[i:nl]), nl + 1


@dataclass
class _Walker:
    buf: Buffer
    size: int
    deadline: float
    max_opcodes: int
    opcodes: int = 0
    last_pos: int = 0
    globals: list[PickleGlobal] = field(default_factory=list)
    protocol: int | None = None
    joblib_arrays: int = 0

    def joblib_array(self, i: int, state: Any) -> int:
        """Skip the raw bytes joblib wrote after a NumpyArrayWrapper's BUILD."""
        return _skip_joblib(self, i, state)

    def stream(self, i: int) -> int:
        """Walk one pickle stream from offset ``i`` through STOP; returns the next offset.

        One loop iteration per opcode; the actions are tested in the order of their
        frequency in real checkpoints (strings, memo, marks, small ints, tuples first)."""
        buf, size, ops, record = self.buf, self.size, _OPS, self.globals.append
        stack: list[Any] = []
        memo: dict[int, Any] = {}
        push, pop = stack.append, stack.pop
        count, deadline, budget = self.opcodes, self.deadline, self.max_opcodes
        unpack = struct.unpack_from
        pos = i
        try:
            while True:
                count += 1
                if not count & _CHECK_MASK:
                    if time.monotonic() > deadline:
                        raise WalkLimit("timeout")
                    if count > budget:
                        raise WalkLimit("opcodes")
                pos = i
                if i >= size:
                    raise _Malformed("truncated: the stream ends without STOP")
                info = ops.get(buf[i])
                if info is None:
                    raise _Malformed(f"invalid opcode 0x{buf[i]:02x}")
                name, kind, fmt, width, has_mark, extra, pushes, action, encoding = info
                i += 1
                arg: Any = None
                if kind == _K_NONE:
                    pass
                elif kind == _K_BYTE:
                    if i >= size:
                        raise _Malformed(f"truncated: {name} needs 1 bytes")
                    arg = buf[i]
                    i += 1
                elif kind in (_K_LEN1, _K_LEN):
                    if i + width > size:
                        raise _Malformed(f"truncated: {name} needs {width} bytes")
                    if kind == _K_LEN1:
                        length = buf[i]
                    else:
                        (length,) = unpack(fmt, buf, i)
                        if length < 0:
                            raise _Malformed(f"negative length in {name}")
                    i += width
                    if i + length > size:
                        raise _Malformed(f"truncated: {name} claims {length} bytes")
                    if action == _A_STR and length <= MAX_STRING:
                        arg = buf[i:i + length].decode(encoding, "replace")
                    i += length  # other payloads (bytes, long ints, huge strings): skipped
                elif kind == _K_FIXED:
                    if i + width > size:
                        raise _Malformed(f"truncated: {name} needs {width} bytes")
                    (arg,) = unpack(fmt, buf, i)
                    i += width
                elif kind == _K_LINE:
                    arg, i = _text(buf, i, size)
                else:  # _K_PAIR
                    mod_b, i = _text(buf, i, size)
                    attr_b, i = _text(buf, i, size)
                    if mod_b is None or attr_b is None:
                        raise _Malformed(f"over-long {name} argument")
                    arg = (mod_b.decode("utf-8", "replace"), attr_b.decode("utf-8", "replace"))
                if action == _A_GENERIC:
                    if has_mark:
                        _pop_mark(stack)
                    if extra:
                        del stack[-extra:]
                    if pushes == 1:
                        push(None)
                elif action == _A_STR:
                    push(arg)
                elif action == _A_PUT:
                    memo[arg if kind != _K_LINE else _int_arg(arg)] = (
                        stack[-1] if stack else None)
                elif action == _A_GET:
                    push(memo.get(arg if kind != _K_LINE else _int_arg(arg)))
                elif action == _A_MEMOIZE:
                    memo[len(memo)] = stack[-1] if stack else None
                elif action == _A_MARK:
                    push(_MARK)
                elif action == _A_VALUE:
                    push(arg)
                elif action == _A_TUPLE_N:
                    n = _TUPLE_N[name]
                    items = stack[-n:] if len(stack) >= n else [None] * n
                    del stack[-n:]
                    push(tuple(items))
                elif action == _A_CONST:
                    push(_CONSTANTS[name])
                elif action == _A_SETITEMS:
                    items = _pop_mark(stack)
                    _set_items(stack[-1] if stack else None, items)
                elif action == _A_REDUCE:
                    args = pop() if stack else None
                    func = pop() if stack else None
                    if (func == _NUMPY_DTYPE and isinstance(args, tuple) and args
                            and isinstance(args[0], str)):
                        push(_DType(args[0]))
                    else:
                        push(None)
                elif action == _A_BUILD:
                    state = pop() if stack else None
                    if stack and isinstance(stack[-1], _JoblibArray):
                        self.opcodes = count
                        i = self.joblib_array(i, state)
                        count = self.opcodes
                elif action == _A_EMPTY_TUPLE:
                    push(())
                elif action == _A_TUPLE:
                    push(tuple(_pop_mark(stack)))
                elif action == _A_EMPTY_DICT:
                    push(_Dict())
                elif action == _A_SETITEM:
                    items = stack[-2:]
                    del stack[-2:]
                    _set_items(stack[-1] if stack else None, items)
                elif action == _A_NEWOBJ:
                    args = pop() if stack else None
                    cls = pop() if stack else None
                    push(_JoblibArray() if cls == _JOBLIB_WRAPPER else None)
                elif action == _A_STACK_GLOBAL:
                    attr = pop() if stack else None
                    mod = pop() if stack else None
                    g = PickleGlobal(module=mod if isinstance(mod, str) else "<dynamic>",
                                     name=attr if isinstance(attr, str) else "<dynamic>",
                                     opcode=name, offset=pos)
                    record(g)
                    push(_Global(g.module, g.name))
                elif action == _A_GLOBAL:
                    record(PickleGlobal(module=arg[0], name=arg[1], opcode=name, offset=pos))
                    push(_Global(arg[0], arg[1]))
                elif action == _A_INST:
                    _pop_mark(stack)
                    record(PickleGlobal(module=arg[0], name=arg[1], opcode=name, offset=pos))
                    push(None)
                elif action == _A_TEXT:
                    push(_text_value(name, arg))
                elif action == _A_INT:
                    push(_int_or_none(arg))
                elif action == _A_DUP:
                    push(stack[-1] if stack else None)
                elif action == _A_EXT:
                    record(PickleGlobal(module="copyreg._extension_registry", name=str(arg),
                                        opcode=name, offset=pos))
                    push(None)
                elif action == _A_PROTO:
                    if self.protocol is None:
                        self.protocol = int(arg)
                elif action == _A_STOP:
                    return i
        finally:
            self.opcodes = count
            self.last_pos = pos


def _skip_joblib(walker: _Walker, i: int, state: Any) -> int:
    nbytes = _joblib_array_bytes(state)
    if nbytes is None:
        raise _Malformed("joblib array of unknown size")
    if nbytes == -1:  # object array: a nested pickle stream follows
        return walker.stream(i)
    if isinstance(state, _Dict) and isinstance(state.get("numpy_array_alignment_bytes"), int):
        if i >= walker.size:
            raise _Malformed("truncated: joblib array padding")
        i += 1 + walker.buf[i]
    if i + nbytes > walker.size:
        raise _Malformed(f"truncated: joblib array of {nbytes} bytes")
    walker.joblib_arrays += 1
    return i + nbytes


def _int_or_none(raw: Any) -> int | None:
    try:
        return int(raw) if isinstance(raw, bytes) and len(raw) < 40 else None
    except ValueError:
        return None


def _set_items(target: Any, items: list[Any]) -> None:
    if isinstance(target, _Dict):
        for key, value in zip(items[::2], items[1::2], strict=False):
            if isinstance(key, str):
                target[key] = value


def _joblib_array_bytes(state: Any) -> int | None:
    """Byte length of the raw array joblib wrote after a wrapper, or None if unknown;
    -1 for object arrays (joblib pickles those as a nested stream)."""
    if not isinstance(state, _Dict):
        return None
    shape, dtype = state.get("shape"), state.get("dtype")
    if not (isinstance(shape, tuple) and all(isinstance(d, int) and d >= 0 for d in shape)):
        return None
    if not isinstance(dtype, _DType):
        return None
    m = _DTYPE_CODE.match(dtype.code)
    if m is None:
        return None
    kind, digits = m.group(1), m.group(2)
    if kind == "O":
        return -1
    if not digits and kind not in "?b":
        return None
    itemsize = int(digits or 1) * (4 if kind == "U" else 1)
    count = 1
    for dim in shape:
        count *= dim
    return count * itemsize


def _int_arg(arg: Any) -> int:
    if arg is None:
        raise _Malformed("over-long memo index")
    if isinstance(arg, bytes):
        try:
            return int(arg)
        except ValueError as exc:
            raise _Malformed("malformed memo index") from exc
    return int(arg)


def _text_value(name: str, raw: bytes | None) -> str | None:
    """The string of a protocol-0 STRING (quoted repr) or UNICODE (raw-unicode-escape)."""
    if raw is None:
        return None
    try:
        if name == "UNICODE":
            return raw.decode("raw-unicode-escape")
        value = pickletools.read_stringnl(io.BytesIO(raw + b"\n"))
        return value if isinstance(value, str) else value.decode("latin-1")
    except (ValueError, UnicodeDecodeError):
        return None


def _pop_mark(stack: list[Any]) -> list[Any]:
    """Pop through the topmost MARK; the items above it, in stack order."""
    for k in range(len(stack) - 1, -1, -1):
        if stack[k] is _MARK:
            items = stack[k + 1:]
            del stack[k:]
            return items
    items = stack[:]
    stack.clear()
    return items


def walk(fh: BinaryIO, size: int, *, timeout: float, max_opcodes: int = DEFAULT_MAX_OPCODES,
         multiple: bool = True, start: int = 0) -> WalkResult:
    """Walk the pickle stream(s) in ``fh`` from ``start``; never executes anything.

    The file is memory-mapped (or, for in-memory streams, used as is), so large payloads
    are skipped without being read. With ``multiple`` the walk goes on after STOP while more
    bytes follow (legacy torch files hold several streams). Bytes after the last
    well-formed stream are ``trailing_bytes``; ``analyse`` byte-scans them.
    """
    with buffer_of(fh, size) as buf:
        return walk_buffer(buf, size, timeout=timeout, max_opcodes=max_opcodes,
                           multiple=multiple, start=start)


def walk_buffer(buf: Buffer, size: int, *, timeout: float,
                max_opcodes: int = DEFAULT_MAX_OPCODES, multiple: bool = True,
                start: int = 0) -> WalkResult:
    walker = _Walker(buf=buf, size=size, deadline=time.monotonic() + timeout,
                     max_opcodes=max_opcodes)
    streams = 0
    error: str | None = None
    error_offset: int | None = None
    limit: str | None = None
    trailing = 0
    here = start
    while True:
        try:
            nxt = walker.stream(here)
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
        here = nxt
        if not multiple or here >= size:
            break
    return WalkResult(globals=tuple(walker.globals), opcodes=walker.opcodes, streams=streams,
                      protocol=walker.protocol, error=error, error_offset=error_offset,
                      limit=limit, trailing_bytes=trailing)


@contextlib.contextmanager
def buffer_of(fh: BinaryIO, size: int) -> Iterator[Buffer]:
    """A random-access view of ``fh``: its bytes when in memory, else a read-only mmap."""
    if isinstance(fh, io.BytesIO):
        yield fh.getvalue()
        return
    try:
        fileno = fh.fileno()
    except (OSError, AttributeError, io.UnsupportedOperation):
        fh.seek(0)
        yield fh.read(size)
        return
    if size == 0:
        yield b""
        return
    with mmap.mmap(fileno, 0, access=mmap.ACCESS_READ) as mapped:
        yield mapped


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
    return dangerous_module(mod)


# ------------------------------------------------------------------------------ analysis
@dataclass(frozen=True, kw_only=True)
class GlobalFinding:
    module: str
    name: str
    classification: str  # the walker's view (globals.classify); controls decide in Rego
    sources: tuple[str, ...]  # which engines saw it: opcodes, picklescan, byte-scan
    opcodes: tuple[str, ...] = ()  # the opcodes that imported it (GLOBAL, STACK_GLOBAL, ...)
    picklescan: str | None = None  # picklescan's rating: dangerous | unknown | safe


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
    engine_errors: tuple[tuple[str, str], ...] = ()  # (engine, why it stopped)


def analyse(data: bytes, *, timeout: float, multiple: bool = True, start: int = 0,
            max_opcodes: int = DEFAULT_MAX_OPCODES) -> PickleAnalysis:
    """Analyse an in-memory pickle stream (``data[start:]``)."""
    buf = io.BytesIO(data)
    return analyse_stream(buf, len(data), timeout=timeout, multiple=multiple, start=start,
                          max_opcodes=max_opcodes)


def analyse_stream(fh: BinaryIO, size: int, *, timeout: float, multiple: bool = True,
                   start: int = 0, max_opcodes: int = DEFAULT_MAX_OPCODES) -> PickleAnalysis:
    """Walk, then (when bounded) picklescan, then byte-scan whatever did not parse."""
    if isinstance(fh, io.BytesIO):  # already in memory: no mapping to set up
        return _analyse_buffer(fh.getvalue(), size, timeout=timeout, multiple=multiple,
                               start=start, max_opcodes=max_opcodes)
    with buffer_of(fh, size) as buf:
        return _analyse_buffer(buf, size, timeout=timeout, multiple=multiple, start=start,
                               max_opcodes=max_opcodes)


def _analyse_buffer(buf: Buffer, size: int, *, timeout: float, multiple: bool, start: int,
                    max_opcodes: int) -> PickleAnalysis:
    engine_errors: list[tuple[str, str]] = []
    try:
        result = walk_buffer(buf, size, timeout=timeout, max_opcodes=max_opcodes,
                             multiple=multiple, start=start)
    except Exception as exc:  # a walker bug must not cost picklescan's evidence
        result = WalkResult(globals=(), opcodes=0, streams=0, protocol=None,
                            error=f"walker failed ({type(exc).__name__}: {exc})",
                            error_offset=start)
    if result.error is not None:
        engine_errors.append(("opcodes", result.error))
    seen: dict[tuple[str, str], set[str]] = {}
    ops: dict[tuple[str, str], set[str]] = {}
    for g in result.globals:
        seen.setdefault((g.module, g.name), set()).add("opcodes")
        ops.setdefault((g.module, g.name), set()).add(g.opcode)
    engines = ["opcodes"]
    upstream: dict[tuple[str, str], str] = {}
    span = size - start
    finished = result.error is None and result.limit is None
    ratings = picklescan_ratings(seen) if finished else None
    if ratings is not None:
        # The walk finished: its globals are a superset of what picklescan's parser lists
        # (tests/collectors/test_artifacts_engines.py proves it on the whole test corpus),
        # so picklescan contributes its denylist's rating of those names, not a second parse.
        upstream = ratings
        if seen:
            engines.append("picklescan-denylist")
    elif (result.limit is None and result.opcodes <= PICKLESCAN_MAX_OPCODES
            and span <= PICKLESCAN_MAX_BYTES):
        # the walker could not finish the stream (or this picklescan cannot rate names on
        # their own): picklescan's own parse is more evidence
        upstream, ps_error = _picklescan(bytes(buf[start:size]))
        engines.append("picklescan")
        if ps_error is not None:
            engine_errors.append(("picklescan", ps_error))
        for key, level in upstream.items():
            # picklescan-only names are kept when its denylist calls them dangerous or when
            # the walker broke off (its evidence is then all there is), dropped otherwise
            # (its memo mis-resolutions, such as "10.check_output")
            if key in seen or level == "dangerous" or not finished:
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
        engine_errors = [e for e in engine_errors if e[0] != "opcodes"]
    elif error is not None:
        unparsed_from = start
    elif trailing:
        unparsed_from = size - trailing
    if unparsed_from is not None and result.limit is None:
        region = bytes(buf[unparsed_from:min(size, unparsed_from + BYTE_SCAN_MAX)])
        for g in byte_scan(region, unparsed_from):
            seen.setdefault((g.module, g.name), set()).add("byte-scan")
            ops.setdefault((g.module, g.name), set()).add(g.opcode)
        engines.append("byte-scan")
    found = []
    for (mod, attr), sources in sorted(seen.items()):
        cls = classify(mod, attr)
        rating = upstream.get((mod, attr))
        if rating == "dangerous":
            cls = "dangerous"
        found.append(GlobalFinding(module=mod, name=attr, classification=cls,
                                   sources=tuple(sorted(sources)),
                                   opcodes=tuple(sorted(ops.get((mod, attr), ()))),
                                   picklescan=rating))
    return PickleAnalysis(globals=tuple(found), opcodes=result.opcodes, streams=result.streams,
                          protocol=result.protocol, error=error, limit=result.limit,
                          trailing_bytes=trailing, engines=tuple(engines),
                          joblib_inline_data=joblib, engine_errors=tuple(engine_errors))


def _picklescan_module() -> Any:
    try:
        from picklescan import scanner
    except ImportError:  # pragma: no cover - declared dependency
        return None
    return scanner


def _rating(level: Any, scanner: Any) -> str:
    if level == scanner.SafetyLevel.Dangerous:
        return "dangerous"
    return "safe" if level == scanner.SafetyLevel.Innocuous else "unknown"


def _dyn(value: str) -> str:
    return "<dynamic>" if value == "unknown" else value


# picklescan's function that rates a set of (module, name) pairs with its lists
_RATE_FUNCTION = "_build_scan_result_from_raw_globals"


def picklescan_ratings(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str] | None:
    """picklescan's rating of each ``(module, name)`` by its own denylist and allowlist,
    without parsing the stream again; None when this picklescan version has no such
    function (the caller then runs picklescan's parser instead)."""
    out: dict[tuple[str, str], str] = {}
    for key in keys:
        rating = _picklescan_rating(_RATE_FUNCTION, *key)
        if rating is None:
            return None
        out[key] = rating
    return out


@functools.lru_cache(maxsize=4096)
def _picklescan_rating(function: str, module: str, name: str) -> str | None:
    """One name's rating (cached: picklescan's lists do not change during a run)."""
    build = getattr(_picklescan_module(), function, None)
    if build is None:
        return None
    raw = ("unknown" if module == "<dynamic>" else module,
           "unknown" if name == "<dynamic>" else name)
    try:
        res = build({raw}, "model")
        return _rating(res.globals[0].safety, _picklescan_module())
    except Exception:  # a third-party failure must not crash a scan: parse instead
        return None


def _picklescan(data: bytes) -> tuple[dict[tuple[str, str], str], str | None]:
    """picklescan's rating per global (static: ``scan_pickle_bytes`` disassembles only),
    and why it stopped, if it did."""
    scanner = _picklescan_module()
    if scanner is None:  # pragma: no cover - declared dependency
        return {}, "picklescan is not installed"
    try:
        res = scanner.scan_pickle_bytes(io.BytesIO(data), "model", multiple_pickles=True)
    except Exception as exc:  # a third-party parser failure must not crash a scan
        return {}, f"{type(exc).__name__}: {exc}"
    out = {(_dyn(g.module), _dyn(g.name)): _rating(g.safety, scanner) for g in res.globals}
    return out, ("parse error" if getattr(res, "scan_err", False) else None)
