"""Run a function in a forked worker with a time and memory bound.

checkov parses and evaluates files mlscan does not control the cost of: a template can
make its parser hang, exhaust memory or crash the interpreter. Each checkov run happens
in a child process forked from the scanner *after* checkov's modules are imported (the
import costs seconds; a fork costs milliseconds and shares those pages). The child gets
``RLIMIT_AS`` (its address space may grow by at most ``max_memory`` bytes beyond what it
inherited) and the parent kills it at the deadline. Whatever happens in the child, the
parent gets either the function's (pickled) result or a ``WorkerFailure`` saying why, so
a failure costs that run, never the scan.

Where ``fork`` is not available (not POSIX), the function runs in-process and only
exceptions are contained.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

_CHUNK = 1 << 16


@dataclass(frozen=True, kw_only=True)
class WorkerFailure:
    """Why a worker gave no result: ``timeout``, ``memory``, ``crash`` or ``error``."""

    kind: str
    message: str


@dataclass(frozen=True, kw_only=True)
class WorkerResult(Generic[T]):
    value: T | None = None
    failure: WorkerFailure | None = None


def _vm_size() -> int:
    """This process's current virtual memory size in bytes (0 when unknown)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform != "win32"


def run_bounded(fn: Callable[[], T], *, timeout: float, max_memory: int) -> WorkerResult[T]:
    """``fn()`` in a forked child bounded by ``timeout`` seconds and ``max_memory`` bytes
    of address-space growth; its result must be picklable."""
    if not can_fork():
        try:
            return WorkerResult(value=fn())
        except Exception as exc:
            return WorkerResult(failure=WorkerFailure(kind="error", message=_describe(exc)))
    limit = _vm_size() + max_memory if max_memory > 0 else 0
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_fd)
        _child(fn, write_fd, limit)
    os.close(write_fd)
    return _parent(pid, read_fd, timeout, max_memory)


def _child(fn: Callable[[], object], write_fd: int, limit: int) -> None:
    code = 0
    try:
        if limit > 0:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            payload = pickle.dumps(("ok", fn()), protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            payload = pickle.dumps(("memory", "ran out of its memory budget"))
        except RecursionError:
            payload = pickle.dumps(("error", "RecursionError: nested too deeply"))
        except BaseException as exc:  # everything becomes a message for the parent
            payload = pickle.dumps(("error", _describe(exc)))
        view = memoryview(payload)
        while view:
            written = os.write(write_fd, view[:_CHUNK])
            view = view[written:]
    except BaseException:
        code = 70
    finally:
        os._exit(code)


def _parent(pid: int, read_fd: int, timeout: float, max_memory: int) -> WorkerResult[T]:
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    timed_out = False
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([read_fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(read_fd, _CHUNK)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_fd)
    if timed_out:
        _kill(pid)
        return WorkerResult(
            failure=WorkerFailure(kind="timeout", message=f"did not finish within {timeout:g} s")
        )
    _, status = os.waitpid(pid, 0)
    data = b"".join(chunks)
    if not data:
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            return WorkerResult(
                failure=WorkerFailure(kind="crash", message=f"crashed ({_signal_name(sig)})")
            )
        return WorkerResult(
            failure=WorkerFailure(
                kind="crash", message=f"exited with status {os.WEXITSTATUS(status)}"
            )
        )
    try:
        # our own forked child's output over a private pipe: whoever could forge it already
        # runs code in this process's image
        # mlscan:ignore[MLS-SRV-005] reason="bytes from our own forked worker, never a file"
        tag, value = pickle.loads(data)  # noqa: S301
    except Exception as exc:
        return WorkerResult(failure=WorkerFailure(kind="crash", message=_describe(exc)))
    if tag == "ok":
        return WorkerResult(value=value)
    if tag == "memory":
        return WorkerResult(
            failure=WorkerFailure(
                kind="memory", message=f"needed more than {max_memory // (1024 * 1024)} MiB"
            )
        )
    return WorkerResult(failure=WorkerFailure(kind="error", message=str(value)))


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _signal_name(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:
        return f"signal {sig}"


def _describe(exc: BaseException) -> str:
    first = str(exc).splitlines()[0][:200] if str(exc) else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__
