"""A time and memory budget for one policy evaluation.

Rego can loop for a very long time or build huge values, and a ``policies:`` entry in a
repository's ``.mlscan.yaml`` lets the code under review add Rego. So the embedded
engine evaluates in a forked child process: the compiled engine is inherited (nothing is
compiled twice), the child's address space is capped with ``RLIMIT_AS`` (current size +
``Budget.memory``), and the parent waits at most ``Budget.seconds`` before killing it.
The child sends back the engine's JSON answer over a pipe (bounded too). Where ``fork``
does not exist (Windows) the evaluation runs in process, unbounded.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import select
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from mlscan.errors import EngineError

try:  # imported here: the forked child must not import (another thread may hold the lock)
    import resource
except ImportError:  # pragma: no cover - not POSIX
    resource = None  # type: ignore[assignment]

_OK = b"R"
_FAILED = b"E"
_NO_MEMORY = b"M"


@dataclass(frozen=True, kw_only=True)
class Budget:
    seconds: float
    memory: int  # bytes of address space the evaluation may add
    policies: str  # the policy folders evaluated, for messages
    max_answer: int = 1024 * 1024 * 1024


class EvaluationFailed(Exception):
    """The evaluation itself raised (a Rego runtime error): its message."""


def available() -> bool:
    return hasattr(os, "fork")


def _address_space() -> int:
    """The current virtual size in bytes (0 when unknown)."""
    try:  # os-level reads only: this runs in the forked child
        fd = os.open("/proc/self/statm", os.O_RDONLY)
        try:
            pages = int(os.read(fd, 256).split()[0])
        finally:
            os.close(fd)
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_memory(extra: int) -> None:
    if resource is None:  # pragma: no cover - not POSIX
        return
    base = _address_space()
    if not base:
        return
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (base + extra, base + extra))


def run(evaluate: Callable[[], str], budget: Budget) -> str:
    """``evaluate()`` in a forked child under ``budget``: its answer, an
    ``EvaluationFailed`` carrying its error message, or an ``EngineError`` when the
    budget ran out."""
    if not available():
        return evaluate()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_fd)
        status = 0
        try:
            # the allocator's own report of a failed allocation is not for the user
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            faulthandler.disable()  # an abort on a failed allocation is expected here
            _limit_memory(budget.memory)
            try:
                payload = _OK + evaluate().encode("utf-8")
            except MemoryError:
                payload = _NO_MEMORY
            except Exception as exc:
                payload = _FAILED + str(exc).encode("utf-8", "replace")
            view = memoryview(payload)
            while view:
                n = os.write(write_fd, view[: 1 << 20])
                view = view[n:]
            os.close(write_fd)  # the parent sees the end now, not after the teardown
        except BaseException:  # the child must never return into the caller
            status = 1
        finally:
            os._exit(status)
    os.close(write_fd)
    return _collect(pid, read_fd, budget)


def _collect(pid: int, fd: int, budget: Budget) -> str:
    end = time.monotonic() + budget.seconds
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            left = end - time.monotonic()
            if left <= 0:
                _kill(pid)
                raise EngineError(
                    f"policy evaluation took longer than {budget.seconds:g}s "
                    f"(limits.policy_timeout) and was stopped; policies: {budget.policies}"
                )
            ready, _, _ = select.select([fd], [], [], min(left, 1.0))
            if not ready:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            size += len(chunk)
            if size > budget.max_answer:
                _kill(pid)
                raise EngineError(
                    f"policy evaluation produced more than {budget.max_answer} bytes of "
                    f"results; policies: {budget.policies}"
                )
            chunks.append(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if data[:1] == _OK:
        # the answer is complete; tearing down a large child takes a while: reap it aside
        threading.Thread(target=_reap, args=(pid,), daemon=True).start()
        return data[1:].decode("utf-8")
    _, status = os.waitpid(pid, 0)
    if data[:1] == _FAILED:
        raise EvaluationFailed(data[1:].decode("utf-8", "replace"))
    signalled = os.WIFSIGNALED(status)
    if data[:1] == _NO_MEMORY or signalled:
        how = f", stopped by signal {os.WTERMSIG(status)}" if signalled else ""
        raise EngineError(
            f"policy evaluation ran out of its memory budget (limits.policy_memory = "
            f"{budget.memory} bytes{how}); policies: {budget.policies}"
        )
    raise EngineError(f"policy evaluation failed without an answer; policies: {budget.policies}")


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
