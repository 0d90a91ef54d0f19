"""Which places of the project use each model file: ``used_by[]`` on ``artifacts.files``
and ``artifacts.mlmodels``.

A model file is used when a ``model_refs`` reference resolves to it (a Python loader
argument or path literal, a notebook, a Dockerfile ``COPY`` source naming the file or a
folder that holds it), when it is (or lies in) a local DVC output or stage dependency or a
path named in a DVC stage command, or,
for an MLflow model directory, when any of its files is. How a pattern resolves:

* a relative pattern from the scan root and from the folder of the file that names it
  (``..`` allowed); a literal one with a folder (``lending/model.joblib``) also as the
  tail of the file's path (images often run from another working directory);
* an absolute one (``/app/models/m.pkl``) by any of its tails (``models/m.pkl``);
* an object of a committed MinIO data directory (``<data>/<bucket>/<key>/xl.meta``) by
  its key, as well as its path;
* ``*`` at the start spans folders (``*/model.joblib``: a file of that name anywhere),
  elsewhere one name segment; ``runs:/<id>/<path>`` names ``<id>/artifacts/<path>``.

Facts only: whether an unused model still deserves a finding is decided in Rego.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Mapping
from typing import Any

from mlscan.collectors.model_refs.python_refs import MODEL_SUFFIX

LinkFacts = dict[str, dict[str, Any]]


def _glob(pattern: str) -> str:
    out = []
    if pattern.startswith("*/"):  # an unknown folder: any folder, or the scan root
        out.append("(.*/)?")
        pattern = pattern[2:]
    for i, part in enumerate(re.split(r"(\*)", pattern)):
        if part == "*":
            out.append(".*" if i == 1 and pattern.startswith("*") else "[^/]*")
        else:
            out.append(re.escape(part))
    return "".join(out)


def _regexes(pattern: str, base: str, source: str) -> list[re.Pattern[str]]:
    """Regexes over scan-root paths: a match is the file, or a folder holding it."""
    tail = r"(/.*)?"
    if pattern.startswith("runs:/"):
        parts = pattern[len("runs:/") :].strip("/").split("/", 1)
        if not parts[0] or "*" in parts[0]:
            return []
        rest = "/" + _glob(parts[1]) if len(parts) > 1 and parts[1] else ""
        return [re.compile(rf"(.*/)?{re.escape(parts[0])}/artifacts{rest}{tail}")]
    if pattern.startswith("*"):
        return [re.compile(_glob(pattern) + tail)]
    if pattern.startswith("/"):
        segs = pattern.strip("/").split("/")
        return [re.compile(_glob("/".join(segs[i:])) + tail) for i in range(len(segs))]
    if pattern.startswith("~"):
        return []
    out = []
    bases = {""} if source == "dvc" else {"", base}
    for b in sorted(bases):
        joined = posixpath.normpath(posixpath.join(b, pattern))
        if joined.startswith("..") or joined == ".":
            continue
        out.append(re.compile(_glob(joined) + tail))
    if "*" not in pattern and "/" in pattern.strip("./"):
        out.append(re.compile(r"(.*/)?" + re.escape(posixpath.normpath(pattern)) + tail))
    return out


def _refs(facts: Mapping[str, Any]) -> list[tuple[list[re.Pattern[str]], dict[str, Any]]]:
    out = []
    refs = (facts.get("model_refs") or {}).get("references") or []
    for r in refs:
        loc = r.get("loc") or {}
        path = str(loc.get("path") or "")
        base = posixpath.dirname(path)
        use = {"path": path, "line": loc.get("line"), "kind": f"{r['source']}-{r['kind']}",
               "reference": r["pattern"]}  # fmt: skip
        out.append((_regexes(str(r["pattern"]), base, r["source"]), use))
    dvc = facts.get("dvc") or {}
    for key, kind in (("outputs", "dvc-output"), ("dependencies", "dvc-dependency")):
        for d in dvc.get(key) or []:
            if d.get("external") or d.get("scheme", "local") != "local" or not d.get("path"):
                continue
            loc = d.get("loc") or {}
            use = {"path": loc.get("path") or d.get("source"), "line": loc.get("line"),
                   "kind": kind, "reference": d["path"]}  # fmt: skip
            out.append((_regexes(str(d["path"]), "", "dvc"), use))
    for st in dvc.get("stages") or []:
        folder = posixpath.dirname(str(st.get("file") or ""))
        base = posixpath.join(folder, str(st.get("wdir") or ""))
        loc = st.get("loc") or {}
        for word in _command_paths(st.get("cmd")):
            use = {"path": loc.get("path") or st.get("file"), "line": loc.get("line"),
                   "kind": "dvc-command", "reference": word}  # fmt: skip
            out.append((_regexes(word, posixpath.normpath(base), "python"), use))
    return out


def _command_paths(cmd: Any) -> list[str]:
    """Words of a stage command that look like project paths (not options, not scripts)."""
    commands = cmd if isinstance(cmd, list) else [cmd]
    words: list[str] = []
    for c in commands:
        if not isinstance(c, str):
            continue
        try:
            words.extend(shlex.split(c))
        except ValueError:
            words.extend(c.split())
    return [
        w for w in words
        if ("/" in w or MODEL_SUFFIX.search(w)) and not w.startswith(("-", "$", "{"))
        and not w.endswith((".py", ".sh")) and "://" not in w and "*" not in w
    ]  # fmt: skip


def _uses(
    paths: list[str], refs: list[tuple[list[re.Pattern[str]], dict[str, Any]]]
) -> list[dict[str, Any]]:
    found = {}
    for regexes, use in refs:
        if any(rx.fullmatch(p) for rx in regexes for p in paths):
            found[(use["path"], use["line"] or 0, use["kind"], use["reference"])] = use
    return [found[k] for k in sorted(found)]


def model_use_links(facts: Mapping[str, Any]) -> LinkFacts:
    artifacts = facts.get("artifacts")
    if not isinstance(artifacts, Mapping):
        return {}
    if not (facts.get("model_refs") or {}).get("complete"):
        return {}  # part of the project was not seen: no used_by (the controls keep severity)
    refs = _refs(facts)
    files = [dict(f) for f in artifacts.get("files") or []]
    for f in files:
        paths = [str(f["path"])]
        if f.get("container") == "minio-xl":
            # the object is the folder holding xl.meta, named by its key inside a bucket
            # folder of a MinIO data directory: code names it by the key (any tail)
            parts = posixpath.dirname(str(f["path"])).split("/")
            paths.extend("/".join(parts[i:]) for i in range(len(parts)))
        f["used_by"] = _uses(paths, refs)
    mlmodels = [dict(m) for m in artifacts.get("mlmodels") or []]
    for m in mlmodels:
        inside = [str(f["path"]) for f in files if f.get("model_dir") == m.get("dir")]
        m["used_by"] = _uses([str(m["path"]), str(m.get("dir")), *inside], refs)
    return {"artifacts": {"files": files, "mlmodels": mlmodels}}
