"""File discovery for a scan root.

The workspace decides which files exist, which git tracks, which git ignores, and what
is skipped. It is the only place that touches the file system for collectors, so the
symlink and size rules hold everywhere:

* a symlink whose target resolves outside the scan root is never followed;
* a symlinked directory inside the root is not followed (its files are found at their
  real path), so links never loop and each file is listed once, under its real path;
* a file larger than ``max_file_size`` is never read; it is recorded as skipped;
* hard excludes: ``.git``, DVC cache and tmp folders, virtualenvs, ``node_modules``.
"""

from __future__ import annotations

import fnmatch
import os
import stat
import subprocess
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from mlscan.errors import FileReadError, WorkspaceError
from mlscan.models import Notification

HARD_EXCLUDED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        ".terraform",
    }
)
# Relative directory paths excluded wherever they appear (DVC internals).
DVC_INTERNAL = (".dvc/cache", ".dvc/tmp")

DEFAULT_MAX_FILE_SIZE = 256 * 1024 * 1024
DEFAULT_MAX_FILES = 200_000


@dataclass(frozen=True, kw_only=True, order=True)
class WorkspaceFile:
    path: str  # relative to the root, POSIX separators
    size: int
    git_ignored: bool = False
    is_symlink: bool = False

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.path).suffix.lower()


@dataclass(frozen=True, kw_only=True)
class WorkspaceOptions:
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    max_files: int = DEFAULT_MAX_FILES
    exclude: tuple[str, ...] = ()
    honour_gitignore: bool = True
    only: tuple[str, ...] | None = None  # restrict discovery to these relative paths


def _wanted(rel: str, is_dir: bool, opts: WorkspaceOptions) -> bool:
    """Whether discovery keeps a file (or descends into a directory): not excluded, and
    inside ``only`` when given. Decided before anything about the entry is reported."""
    if opts.exclude and _matches_any(rel, opts.exclude):
        return False
    if opts.only is None:
        return True
    for o in opts.only:
        o = o.strip("/")
        if rel == o or rel.startswith(o + "/") or (is_dir and o.startswith(rel + "/")):
            return True
    return False


def _is_venv(path: Path) -> bool:
    try:
        return (path / "pyvenv.cfg").is_file()
    except OSError:  # an unreadable directory: listing it will say so
        return False


def _glob(rel: str, pattern: str) -> bool:
    """fnmatch, where a leading ``**/`` also matches at the top level (``**/*.log``
    matches ``a.log``), as in .gitignore."""
    return fnmatch.fnmatchcase(rel, pattern) or (
        pattern.startswith("**/") and fnmatch.fnmatchcase(rel, pattern[3:])
    )


def _matches_any(rel: str, patterns: Iterable[str]) -> bool:
    for pattern in patterns:
        pat = pattern.rstrip("/")
        if _glob(rel, pat) or rel == pat or rel.startswith(pat + "/"):
            return True
        if pat.endswith("/**") and (rel == pat[:-3] or rel.startswith(pat[:-2])):
            return True
    return False


@dataclass
class Workspace:
    """The discovered files of one scan root, plus safe, cached reads."""

    root: Path
    files: tuple[WorkspaceFile, ...]
    tracked: frozenset[str] | None
    options: WorkspaceOptions
    notifications: list[Notification] = field(default_factory=list)
    # shown path -> the real (surrogate-escaped) path, for names that are not UTF-8
    real_names: dict[str, str] = field(default_factory=dict, repr=False)
    _index: dict[str, WorkspaceFile] = field(default_factory=dict, repr=False)
    _text_cache: dict[str, str] = field(default_factory=dict, repr=False)
    _ignored_dirs: tuple[str, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        self._index = {f.path: f for f in self.files}

    # ----------------------------------------------------------------- discovery
    @classmethod
    def discover(
        cls, root: str | os.PathLike[str], options: WorkspaceOptions | None = None
    ) -> Workspace:
        opts = options or WorkspaceOptions()
        root_path = Path(root)
        if not root_path.exists():
            raise WorkspaceError(f"scan path {root} does not exist")
        if not root_path.is_dir():
            raise WorkspaceError(f"scan path {root} is not a directory; pass the project folder")
        real_root = root_path.resolve()
        notifications: list[Notification] = []
        tracked, ignored = _git_state(real_root) if opts.honour_gitignore else (None, ([], []))
        ignored_files, ignored_dirs = ignored
        ignored_set = frozenset(ignored_files)
        ignored_dir_prefixes = tuple(d.rstrip("/") + "/" for d in ignored_dirs)

        found: list[WorkspaceFile] = []
        seen_dirs: set[tuple[int, int]] = set()
        limit_hit = False
        real_names: dict[str, str] = {}
        walk = _walk(real_root, real_root, "", seen_dirs, notifications, opts, real_names)
        for rel, size, is_link in walk:
            if len(found) >= opts.max_files:
                limit_hit = True
                break
            git_ignored = (rel in ignored_set or rel.startswith(ignored_dir_prefixes)) and (
                tracked is None or rel not in tracked
            )
            found.append(
                WorkspaceFile(path=rel, size=size, git_ignored=git_ignored, is_symlink=is_link)
            )
        if limit_hit:
            notifications.append(
                Notification(
                    path=".",
                    message=(
                        f"stopped discovery after {opts.max_files} files (limits.max_files); "
                        "narrow the scan with 'exclude' or raise the limit"
                    ),
                    level="warning",
                    kind="limit",
                    source="workspace",
                )
            )
        if tracked is None and opts.honour_gitignore:
            # outside git: every .gitignore in the tree, with git's own matching rules
            ignored_by = _gitignore_matcher(real_root, found, real_names, notifications)
            found = [replace(f, git_ignored=ignored_by(f.path)) for f in found]
        found.sort()
        return cls(
            root=real_root,
            files=tuple(found),
            tracked=tracked,
            options=opts,
            notifications=notifications,
            real_names=real_names,
            _ignored_dirs=ignored_dir_prefixes,
        )

    # ------------------------------------------------------------------ queries
    def candidates(self, include_ignored: bool = False) -> Iterator[WorkspaceFile]:
        """Files for collectors; git-ignored files only when asked (model artifacts)."""
        for f in self.files:
            if include_ignored or not f.git_ignored:
                yield f

    def get(self, rel: str) -> WorkspaceFile | None:
        return self._index.get(rel)

    def exists(self, rel: str) -> bool:
        return rel in self._index

    def is_tracked(self, rel: str) -> bool | None:
        """True/False when the root is in a git work tree, None otherwise."""
        if self.tracked is None:
            return None
        return rel in self.tracked

    def is_git_ignored(self, rel: str) -> bool:
        f = self._index.get(rel)
        if f is not None:
            return f.git_ignored
        return _git_check_ignore(self.root, rel)

    def ignore_rules_match(self, rel: str) -> bool | None:
        """Whether the .gitignore rules match ``rel`` even though git may track it (a
        ``.env`` committed before its ignore rule); None outside a git work tree."""
        if self.tracked is None:
            return None
        return _git_check_ignore(self.root, rel)

    @property
    def in_git(self) -> bool:
        return self.tracked is not None

    # -------------------------------------------------------------------- reads
    def abspath(self, rel: str) -> Path:
        """The real path of ``rel``; raises FileReadError when it escapes the root."""
        candidate = (self.root / self.real_names.get(rel, rel)).resolve()
        if candidate != self.root and self.root not in candidate.parents:
            raise FileReadError(
                rel, "resolves outside the scan root; not followed", "symlink-escape"
            )
        return candidate

    def read_bytes(self, rel: str, max_size: int | None = None) -> bytes:
        limit = self.options.max_file_size if max_size is None else max_size
        real = self.abspath(rel)
        try:
            st = real.stat()
        except OSError as exc:
            raise FileReadError(rel, f"cannot be read ({exc.strerror})") from exc
        if not stat.S_ISREG(st.st_mode):
            raise FileReadError(rel, "is not a regular file", "unreadable")
        if st.st_size > limit:
            raise FileReadError(
                rel,
                f"is {st.st_size} bytes, over the {limit}-byte limit (limits.max_file_size)",
                "too-large",
            )
        try:
            with real.open("rb") as fh:
                return fh.read(limit + 1)[:limit]
        except OSError as exc:
            raise FileReadError(rel, f"cannot be read ({exc.strerror})") from exc

    def read_text(self, rel: str) -> str:
        cached = self._text_cache.get(rel)
        if cached is not None:
            return cached
        data = self.read_bytes(rel)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FileReadError(
                rel, f"is not valid UTF-8 (byte {exc.start})", "unreadable"
            ) from exc
        self._text_cache[rel] = text
        return text

    @property
    def texts_read(self) -> dict[str, str]:
        """Every text file read so far (used for inline suppressions; never re-read)."""
        return dict(self._text_cache)

    def skipped(
        self, rel: str, reason: str, kind: str = "skipped", source: str = ""
    ) -> Notification:
        note = Notification(path=rel, message=reason, level="note", kind=kind, source=source)
        self.notifications.append(note)
        return note


# ---------------------------------------------------------------------- helpers
def shown_name(name: str) -> str:
    """A file name as mlscan shows it: undecodable bytes (carried by Python as lone
    surrogates) become ``\\xNN`` escapes, so every output stays valid UTF-8. The real
    name is kept in ``Workspace.real_names``."""
    if not any("\udc80" <= ch <= "\udcff" for ch in name):
        return name
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _walk(
    real_root: Path,
    directory: Path,
    prefix: str,
    seen_dirs: set[tuple[int, int]],
    notifications: list[Notification],
    opts: WorkspaceOptions,
    real_names: dict[str, str],
    real_prefix: str = "",
) -> Iterator[tuple[str, int, bool]]:
    try:
        st = directory.stat()
    except OSError:
        return
    key = (st.st_dev, st.st_ino)
    if key in seen_dirs:
        notifications.append(
            Notification(
                path=prefix.rstrip("/") or ".",
                message="directory already visited through another link (symlink loop); "
                "not followed",
                level="note",
                kind="symlink-loop",
                source="workspace",
            )
        )
        return
    seen_dirs.add(key)
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as exc:
        notifications.append(
            Notification(
                path=prefix.rstrip("/") or ".",
                message=f"directory cannot be listed ({exc.strerror})",
                level="warning",
                kind="unreadable",
                source="workspace",
            )
        )
        return
    for entry in entries:
        shown = shown_name(entry.name)
        rel = prefix + shown
        real_rel = real_prefix + entry.name
        if rel != real_rel:
            real_names[rel] = real_rel
            if shown != entry.name:
                notifications.append(
                    Notification(
                        path=rel,
                        message="name is not valid UTF-8; shown with \\x escapes",
                        level="note",
                        kind="unusual-name",
                        source="workspace",
                    )
                )
        try:
            is_link = entry.is_symlink()
            if not _wanted(rel, entry.is_dir(), opts):
                continue
            if is_link:
                target = Path(entry.path).resolve()
                if target != real_root and real_root not in target.parents:
                    notifications.append(
                        Notification(
                            path=rel,
                            message="symlink points outside the scan root; not followed",
                            level="note",
                            kind="symlink-escape",
                            source="workspace",
                        )
                    )
                    continue
                tst = target.stat()
                is_dir = stat.S_ISDIR(tst.st_mode)
                is_file = stat.S_ISREG(tst.st_mode)
                size = tst.st_size
            else:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = entry.is_file(follow_symlinks=False)
                size = entry.stat(follow_symlinks=False).st_size if is_file else 0
        except (OSError, RuntimeError):
            notifications.append(
                Notification(
                    path=rel,
                    message="cannot be inspected (broken symlink or permission denied)",
                    level="note",
                    kind="unreadable",
                    source="workspace",
                )
            )
            continue
        if is_dir:
            if is_link:
                # the target is inside the root, so it is discovered at its real path;
                # following the link would list the same files twice under another
                # name (or first, hiding the real path) and could loop
                continue
            if (
                entry.name in HARD_EXCLUDED_DIRS
                or rel in DVC_INTERNAL
                or rel.endswith(tuple("/" + d for d in DVC_INTERNAL))
            ):
                continue
            path = Path(entry.path)
            if _is_venv(path):
                continue
            yield from _walk(
                real_root, path, rel + "/", seen_dirs, notifications, opts, real_names,
                real_rel + "/",
            )
        elif is_file:
            if size > opts.max_file_size:
                notifications.append(
                    Notification(
                        path=rel,
                        message=(
                            f"skipped: {size} bytes is over the {opts.max_file_size}-byte limit "
                            "(limits.max_file_size)"
                        ),
                        level="note",
                        kind="too-large",
                        source="workspace",
                    )
                )
            yield rel, size, is_link


def _run_git(root: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            timeout=60,
            check=False,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0:
        return None
    return proc.stdout.decode("utf-8", "surrogateescape")


def _git_state(root: Path) -> tuple[frozenset[str] | None, tuple[list[str], list[str]]]:
    """(tracked files, (ignored files, ignored dirs)) relative to root, or None outside git."""
    inside = _run_git(root, "rev-parse", "--is-inside-work-tree")
    if inside is None or inside.strip() != "true":
        return None, ([], [])
    listed = _run_git(root, "ls-files", "-z", "--cached")
    tracked = frozenset(_shown_path(p) for p in (listed or "").split("\0") if p)
    ignored_out = _run_git(
        root, "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory"
    )
    files: list[str] = []
    dirs: list[str] = []
    for p in (ignored_out or "").split("\0"):
        if not p:
            continue
        (dirs if p.endswith("/") else files).append(_shown_path(p))
    return tracked, (files, dirs)


def _shown_path(rel: str) -> str:
    return "/".join(shown_name(part) for part in rel.split("/"))


def _git_check_ignore(root: Path, rel: str) -> bool:
    out = _run_git(root, "check-ignore", "-q", "--no-index", rel)
    return out is not None


MAX_GITIGNORE_SIZE = 1024 * 1024


def _gitignore_matcher(
    root: Path,
    found: list[WorkspaceFile],
    real_names: dict[str, str],
    notifications: list[Notification],
) -> Callable[[str], bool]:
    """Outside a git work tree, whether a path is ignored by the ``.gitignore`` files of
    the tree (``pathspec``'s gitignore semantics: negations, ``**``, anchored and
    directory patterns; a deeper file's verdict wins)."""
    import pathspec

    specs: dict[str, pathspec.GitIgnoreSpec] = {}
    for f in found:
        if f.name != ".gitignore":
            continue
        real = root / real_names.get(f.path, f.path)
        try:
            if f.size > MAX_GITIGNORE_SIZE:
                raise ValueError(f"over {MAX_GITIGNORE_SIZE} bytes")
            lines = real.read_text(encoding="utf-8", errors="replace").splitlines()
            folder = f.path.rsplit("/", 1)[0] if "/" in f.path else ""
            specs[folder] = pathspec.GitIgnoreSpec.from_lines(lines)
        except (OSError, ValueError) as exc:
            notifications.append(
                Notification(
                    path=f.path,
                    message=f".gitignore not read ({exc}); its patterns are not applied",
                    level="warning",
                    kind="unreadable",
                    source="workspace",
                )
            )

    def ignored(rel: str) -> bool:
        verdict: bool | None = None
        parts = rel.split("/")
        for depth in range(len(parts)):
            spec = specs.get("/".join(parts[:depth]))
            if spec is None:
                continue
            result = spec.check_file("/".join(parts[depth:]))
            if result.include is not None:
                verdict = result.include
        return bool(verdict)

    return ignored
