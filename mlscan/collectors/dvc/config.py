"""Facts from DVC config files: ``configs`` and ``remotes``.

One DVC project has up to two config files in the repository: ``.dvc/config`` (level
``repo``, meant to be committed) and ``.dvc/config.local`` (level ``local``, meant to
stay out of git). DVC merges them, the local file winning; remotes are merged by name
the same way, so a remote whose URL is in ``config`` and whose keys are in
``config.local`` is one remote fact.

Secret values never leave this module: a secret option becomes ``{key, present, loc}``,
URLs lose their password and secret query parameters.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from mlscan.collectors.base import notification
from mlscan.collectors.dvc.ini import (
    REMOTE_SECTION,
    ConfigValues,
    IniDocument,
    IniEntry,
    dvc_config,
)
from mlscan.collectors.dvc.keyfile import has_key_material
from mlscan.errors import FileReadError
from mlscan.models import Notification
from mlscan.parse_cache import ParseCache
from mlscan.workspace import Workspace

SOURCE = "dvc"
REDACTED = "***"

# Options whose value is a credential (DVC config schema, every remote type).
SECRET_KEYS = frozenset(
    {
        "access_key_id",
        "secret_access_key",
        "session_token",
        "sse_customer_key",
        "account_key",
        "sas_token",
        "connection_string",
        "client_secret",
        "password",
        "passphrase",
        "token",
        "oss_key_id",
        "oss_key_secret",
        "gdrive_client_secret",
    }
)
# Options whose value is a path to a credential file: the path is not a secret, the
# file may be (when it sits in the repository).
CREDENTIAL_FILE_KEYS = frozenset(
    {
        "keyfile",
        "key_path",
        "credentialpath",
        "gdrive_user_credentials_file",
        "gdrive_service_account_json_file_path",
        "kerb_ticket",
    }
)
# Values never shown in facts although the option is not a credential DVC defines:
# commands that may embed a token, and any unknown key that looks secret.
_SENSITIVE_NAME = re.compile(r"(secret|password|passwd|passphrase|token|credential|private)")


def hides_value(key: str) -> bool:
    """Whether an option's value must stay out of the facts."""
    if key in SECRET_KEYS or key == "bearer_token_command":
        return True
    if key in CREDENTIAL_FILE_KEYS or key.startswith("ask_"):
        return False
    return bool(_SENSITIVE_NAME.search(key))


# Path options DVC resolves relative to the config file's folder.
_RELATIVE_PATH_KEYS = CREDENTIAL_FILE_KEYS - {"kerb_ticket"}
_SECRET_QUERY = re.compile(
    r"(sig|signature|token|secret|password|passwd|pwd|pass|key|credential|sas|auth)", re.IGNORECASE
)
_USERINFO = re.compile(r"(//[^/@:?#]*):[^/@?#]*@")
_REMOTE_SECTION = REMOTE_SECTION
_BUCKET_SCHEMES = frozenset({"s3", "gs", "gcs", "azure", "az", "oss", "gdrive"})
_LOOPBACK = re.compile(r"^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$", re.IGNORECASE)


@dataclass(frozen=True, kw_only=True)
class ConfigFile:
    path: str
    level: str  # "repo" | "local"
    doc: IniDocument
    values: ConfigValues
    first_line_len: int = 0

    @property
    def valid(self) -> bool:
        return self.values.error is None


def redact_url(url: str) -> str:
    """``url`` without the userinfo password and without secret query values."""
    redacted = _USERINFO.sub(lambda m: f"{m.group(1)}:{REDACTED}@", url)
    if "?" in redacted:
        base, _, rest = redacted.partition("?")
        query, hash_sign, fragment = rest.partition("#")
        parts = []
        for piece in query.split("&"):
            name, eq, _value = piece.partition("=")
            parts.append(f"{name}={REDACTED}" if eq and _SECRET_QUERY.search(name) else piece)
        redacted = base + "?" + "&".join(parts) + hash_sign + fragment
    return redacted


def describe_url(url: str) -> dict[str, Any]:
    """Scheme, host, bucket and credential flags of a remote or endpoint URL."""
    info: dict[str, Any] = {
        "url": redact_url(url),
        "url_scheme": "local",
        "host": None,
        "bucket": None,
        "host_is_loopback": False,
        "url_has_password": False,
        "url_secret_params": [],
    }
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", url):
        return info
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
        password = parts.password
    except ValueError:
        info["url_scheme"] = url.split("://", 1)[0].lower()
        info["url_has_password"] = bool(_USERINFO.search(url))
        return info
    scheme = parts.scheme.lower()
    info["url_scheme"] = scheme
    info["host"] = hostname
    if scheme in _BUCKET_SCHEMES:
        netloc = parts.netloc.rsplit("@", 1)[-1]
        info["bucket"] = netloc.split(":", 1)[0] or None
    info["host_is_loopback"] = bool(hostname and _LOOPBACK.match(hostname))
    info["url_has_password"] = bool(password)
    info["url_secret_params"] = sorted(
        {
            name
            for name, _ in parse_qsl(parts.query, keep_blank_values=True)
            if _SECRET_QUERY.search(name)
        }
    )
    return info


def _bool_or_text(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return value


def _present(value: Any) -> bool:
    if isinstance(value, list):
        return any(str(v).strip() for v in value)
    return value is not None and str(value).strip() != ""


def gitignore_covers(ws: Workspace, rel: str) -> bool:
    """Whether git ignores ``rel`` (which may not exist), or a .gitignore pattern would:
    also true for a tracked file that a pattern covers, and computed outside git."""
    return ws.is_git_ignored(rel) or _gitignore_covers(ws, rel)


def _gitignore_covers(ws: Workspace, rel: str) -> bool:
    """Whether any .gitignore on the way to ``rel`` ignores it (works outside git, and
    also for a file git tracks, which ``git check-ignore`` would not report)."""
    import pathspec

    verdict: bool | None = None
    parts = rel.split("/")
    for depth in range(len(parts)):
        folder = "/".join(parts[:depth])
        gi = f"{folder}/.gitignore" if folder else ".gitignore"
        if ws.get(gi) is None:
            continue
        try:
            spec = pathspec.GitIgnoreSpec.from_lines(ws.read_text(gi).splitlines())
        except (FileReadError, ValueError):
            continue
        result = spec.check_file("/".join(parts[depth:]))
        if result.include is not None:
            verdict = result.include
    return bool(verdict)


def _value_of(cfg: ConfigFile, section: str, entry: IniEntry) -> Any:
    """configobj's value when the file is valid, else the scanner's best reading."""
    if cfg.valid:
        body = cfg.values.sections.get(section.lower(), {})
        if entry.key in body:
            return body[entry.key]
    return entry.value


def load_config_file(
    parsed: ParseCache, rel: str, level: str
) -> tuple[ConfigFile | None, list[Notification]]:
    reading = dvc_config(parsed, rel)
    if reading is None:
        return None, []  # unreadable or over a limit: noted once, by the parse cache
    values = reading.values
    notes: list[Notification] = []
    if values.error is not None:
        line, reason = values.error
        notes.append(
            notification(
                rel,
                f"DVC config is not valid ({reason}); DVC will refuse it. "
                "Remotes and credentials were still read from the parseable lines.",
                SOURCE,
                line=line,
            )
        )
    cfg = ConfigFile(
        path=rel,
        level=level,
        doc=reading.doc,
        values=values,
        first_line_len=reading.first_line_len,
    )
    return cfg, notes


def _file_loc(cfg: ConfigFile) -> dict[str, Any]:
    """The first line of a config file: where a finding about the whole file points."""
    return {
        "path": cfg.path,
        "line": 1,
        "col": 1,
        "end_line": 1,
        "end_col": cfg.first_line_len + 1,
    }


def credential_path(config_rel: str, key: str, text: str) -> str | None:
    """The scan-root-relative path of the credential file an option names, or None when
    it lies outside the root (absolute, home-relative, a URL, or above the root)."""
    if (
        not text
        or text.startswith(("~", "/", "\\"))
        or "://" in text
        or re.match(r"^[A-Za-z]:", text)
    ):
        return None
    base = posixpath.dirname(config_rel) if key in _RELATIVE_PATH_KEYS else ""
    joined = posixpath.normpath(posixpath.join(base, text.replace("\\", "/")))
    if joined == ".." or joined.startswith("../"):
        return None
    return joined


_CREDENTIAL_LINE = re.compile(r"^\s*([A-Za-z_]+)\s*=\s*(.+?)\s*$")


def credential_files_named(config_rel: str, text: str) -> list[str]:
    """Credential files a DVC config names, for the pre-commit dependency expansion
    (a line scan: the hook reads no file through the parse cache)."""
    found: list[str] = []
    for line in text.splitlines():
        match = _CREDENTIAL_LINE.match(line)
        if match is None or match.group(1).lower() not in CREDENTIAL_FILE_KEYS:
            continue
        value = match.group(2).strip().strip("'\"")
        path = credential_path(config_rel, match.group(1).lower(), value)
        if path is not None:
            found.append(path)
    return found


def _credential_file(
    ws: Workspace, parsed: ParseCache, cfg: ConfigFile, entry: IniEntry, value: Any
) -> dict[str, Any]:
    text = str(value[0] if isinstance(value, list) and value else value)
    ws_path = credential_path(cfg.path, entry.key, text)
    exists = ws_path is not None and ws.get(ws_path) is not None
    return {
        "key": entry.key,
        "path": text,
        "workspace_path": ws_path,
        "exists": exists,
        "tracked_by_git": ws.is_tracked(ws_path) if exists and ws_path else None,
        "git_ignored": ws.is_git_ignored(ws_path) if exists and ws_path else None,
        "has_key_material": (
            has_key_material(parsed, ws_path, entry.key) if exists and ws_path else None
        ),
        "config": cfg.path,
        "loc": entry.key_span.loc(cfg.path),
    }


def _config_fact(ws: Workspace, cfg: ConfigFile, repo_root: str) -> dict[str, Any]:
    covers: bool | None = None
    if cfg.level == "local":
        covers = gitignore_covers(ws, cfg.path)
    secrets: list[dict[str, Any]] = []
    for section in cfg.doc.sections:
        if _REMOTE_SECTION.match(section.name.lower()):
            continue
        for entry in section.entries:
            if entry.key in SECRET_KEYS:
                secrets.append(
                    {
                        "section": section.name.lower(),
                        "key": entry.key,
                        "present": _present(_value_of(cfg, section.name, entry)),
                        "loc": entry.key_span.loc(cfg.path),
                    }
                )
    return {
        "path": cfg.path,
        "repo_root": repo_root,
        "level": cfg.level,
        "valid": cfg.valid,
        "tracked_by_git": ws.is_tracked(cfg.path),
        "git_ignored": ws.is_git_ignored(cfg.path),
        "gitignore_covers_local": covers,
        "sections": sorted({s.name.lower() for s in cfg.doc.sections if s.name}),
        "secrets": secrets,
        "loc": _file_loc(cfg),
    }


def _default_remote(configs: Iterable[ConfigFile]) -> str | None:
    default: str | None = None
    for cfg in configs:  # repo first, local last: local wins
        core = cfg.doc.section("core") or next(
            (s for s in cfg.doc.sections if s.name.lower() == "core"), None
        )
        if core is None:
            continue
        entry = core.get("remote")
        if entry is not None:
            value = _value_of(cfg, core.name, entry)
            default = str(value).strip().lower() if _present(value) else None
    return default


def _remote_facts(
    ws: Workspace, parsed: ParseCache, configs: list[ConfigFile], repo_root: str
) -> list[dict[str, Any]]:
    default = _default_remote(configs)
    # name -> list of (config, section)
    found: dict[str, list[tuple[ConfigFile, Any]]] = {}
    for cfg in configs:
        for section in cfg.doc.sections:
            match = _REMOTE_SECTION.match(section.name)
            if match:
                found.setdefault(match.group(1).lower(), []).append((cfg, section))
    remotes: list[dict[str, Any]] = []
    for name, places in sorted(found.items()):
        effective: dict[str, tuple[ConfigFile, IniEntry, Any]] = {}
        options: list[dict[str, Any]] = []
        secrets: list[dict[str, Any]] = []
        credential_files: list[dict[str, Any]] = []
        for cfg, section in places:
            for entry in section.entries:
                value = _value_of(cfg, section.name, entry)
                effective[entry.key] = (cfg, entry, value)
                if entry.key in SECRET_KEYS:
                    secrets.append(
                        {
                            "key": entry.key,
                            "present": _present(value),
                            "config": cfg.path,
                            "config_level": cfg.level,
                            "loc": entry.key_span.loc(cfg.path),
                        }
                    )
                elif entry.key in CREDENTIAL_FILE_KEYS and _present(value):
                    credential_files.append(_credential_file(ws, parsed, cfg, entry, value))
        for cfg, section in places:
            for entry in section.entries:
                value = _value_of(cfg, section.name, entry)
                if hides_value(entry.key):
                    shown: Any = None
                elif entry.key in ("url", "endpointurl", "oss_endpoint"):
                    shown = redact_url(str(value))
                else:
                    shown = _bool_or_text(value)
                eff = effective.get(entry.key)
                options.append(
                    {
                        "key": entry.key,
                        "value": shown,
                        "config": cfg.path,
                        "config_level": cfg.level,
                        "effective": eff is not None and eff[1] is entry and eff[0] is cfg,
                        "loc": entry.key_span.loc(cfg.path),
                    }
                )
        url_place = effective.get("url")
        home_cfg, home_section = places[0]
        if url_place is not None:
            home_cfg = url_place[0]
            home_section = next(s for c, s in places if c is home_cfg)
        url_info = describe_url(str(url_place[2])) if url_place is not None else describe_url("")
        if url_place is None:
            url_info["url"] = None
            url_info["url_scheme"] = None
        endpoint = effective.get("endpointurl") or effective.get("oss_endpoint")
        endpoint_info = describe_url(str(endpoint[2])) if endpoint is not None else None

        def _eff(key: str, place: dict[str, tuple[ConfigFile, IniEntry, Any]] = effective) -> Any:
            hit = place.get(key)
            return _bool_or_text(hit[2]) if hit is not None else None

        remotes.append(
            {
                "name": name,
                "repo_root": repo_root,
                "config": home_cfg.path,
                "configs": sorted({c.path for c, _ in places}),
                **url_info,
                "url_loc": url_place[1].key_span.loc(url_place[0].path) if url_place else None,
                "endpoint_url": endpoint_info["url"] if endpoint_info else None,
                "endpoint_url_scheme": endpoint_info["url_scheme"] if endpoint_info else None,
                "endpoint_url_has_password": bool(
                    endpoint_info and endpoint_info["url_has_password"]
                ),
                "is_default": name == default,
                "ssl_verify": _eff("ssl_verify"),
                "use_ssl": _eff("use_ssl"),
                "use_https": _eff("use_https"),
                "secrets": sorted(secrets, key=lambda s: (s["loc"]["path"], s["loc"]["line"])),
                "credential_files": sorted(
                    credential_files, key=lambda s: (s["loc"]["path"], s["loc"]["line"])
                ),
                "options": sorted(options, key=lambda o: (o["loc"]["path"], o["loc"]["line"])),
                "loc": home_section.span.loc(home_cfg.path),
            }
        )
    return remotes


def collect_repo_config(
    ws: Workspace, parsed: ParseCache, repo_root: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[Notification], list[str]]:
    """(configs, remotes, notifications, files read) for the DVC project at ``repo_root``."""
    prefix = f"{repo_root}/" if repo_root else ""
    configs: list[ConfigFile] = []
    notes: list[Notification] = []
    files: list[str] = []
    for name, level in (("config", "repo"), ("config.local", "local")):
        rel = f"{prefix}.dvc/{name}"
        if ws.get(rel) is None:
            continue
        files.append(rel)
        cfg, cfg_notes = load_config_file(parsed, rel, level)
        notes.extend(cfg_notes)
        if cfg is not None:
            configs.append(cfg)
    config_facts = [_config_fact(ws, cfg, repo_root) for cfg in configs]
    return config_facts, _remote_facts(ws, parsed, configs, repo_root), notes, files


def project_fact(ws: Workspace, root: str) -> dict[str, Any]:
    """One DVC project: where it is, and whether a future .dvc/config.local would be
    kept out of git (DVC's own .dvc/.gitignore lists it)."""
    prefix = f"{root}/" if root else ""
    dvc_gitignore = f"{prefix}.dvc/.gitignore"
    local = f"{prefix}.dvc/config.local"
    has_gitignore = ws.get(dvc_gitignore) is not None
    first = ""
    if has_gitignore:
        try:
            lines = ws.read_text(dvc_gitignore).splitlines()
            first = lines[0] if lines else ""
        except FileReadError:
            first = ""
    return {
        "root": root,
        "has_config": ws.get(f"{prefix}.dvc/config") is not None,
        "in_git": ws.in_git,
        "dvc_gitignore": dvc_gitignore if has_gitignore else None,
        "dvc_gitignore_loc": {
            "path": dvc_gitignore,
            "line": 1,
            "col": 1,
            "end_line": 1,
            "end_col": len(first) + 1,
        }
        if has_gitignore
        else None,
        "config_local_exists": ws.get(local) is not None,
        "config_local_ignored": gitignore_covers(ws, local),
    }
