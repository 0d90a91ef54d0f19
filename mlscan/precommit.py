"""Scans of a few named files (pre-commit passes the staged file names).

A file is rarely judged alone. Given file names, mlscan scans those files plus what they
depend on, and nothing else, so that collectors for file types that were not passed do
not run:

* a DVC stage file (``x.dvc``) brings in its outputs (the artifact it tracks);
  ``dvc.yaml`` and ``dvc.lock`` bring in each other;
* a model file brings in its signature (``model.pkl.sig``, ``model.pkl.sigstore.json``),
  or the signature of the model directory it belongs to (``models/credit.sig`` for
  ``models/credit/model.pkl``), and the trusted keys the configuration names;
* an ``MLmodel`` brings in the rest of its model directory;
* a signature brings in the model (file or directory) it signs;
* a bucket policy document (JSON with ``Statement``) brings in the Terraform files that
  declare the buckets its ``arn:aws:s3:::NAME`` resources name;
* a ``.env`` file brings in the compose files of its folder (whose ``${VAR}`` it feeds);
  a compose file brings in the ``.env`` files of its folder and the ``env_file:`` it names;
* a Helm chart's ``values*.yaml`` brings in the chart's templates, and a template the
  chart's values files (a secret in values is linked to the template that reads it);
* a Python file or notebook that reads ``params.yaml`` brings it in (a model name kept in
  DVC params is resolved there), and a staged ``params.yaml`` brings in the Python files
  and notebooks of its folder and below that read it (not transitively);
* a file of an MLflow model directory (``conda.yaml``, ``requirements.txt``, weights)
  brings in the directory's ``MLmodel`` (which brings in the rest of the directory);
* a pipeline definition (``dvc.yaml``, a CI workflow, a ``Makefile``, ``tox.ini``) brings
  in the Python scripts its commands run (``python src/robustness.py``), and one that runs
  ``dvc repro`` brings in ``dvc.yaml`` (adversarial-evaluation evidence lives there);
* a Kubernetes manifest brings in the other manifests of its folder (a Service and its
  Deployment, an HTTPRoute and its Gateway reference each other by name);
* a Terraform file (``.tf``, ``.tf.json``, ``.tfvars``, ``.tfvars.json``) brings in the
  other Terraform files and tfvars of its folder: mlscan evaluates a module as one unit (a
  bucket's versioning or encryption often lives in a sibling file); and the Terraform files of the
  folders joined to it by local module calls (``source = "./..."``, both ways): whether an
  API Gateway route or a load balancer reaches a model is decided across modules; and the
  files it reads with ``templatefile()`` / ``file()`` (a ``helm_release``'s values), while
  such a file brings in the Terraform module that reads it;
* a directory brings in every file below it;
* a Helm values file brings in its chart's ``Chart.yaml`` (appVersion, the alias of an
  MLflow dependency), and a ``Chart.yaml`` its values files;
* a Dockerfile, ``Procfile`` or ``heroku.yml`` brings in the Python app it starts
  (``uvicorn pkg.main:app``, ``gunicorn app:app``, ``python serve.py``), and a Python app
  the Dockerfiles, Procfiles and ``heroku.yml`` of its folder and the folders above (they
  decide the address it is bound to);
* a BentoML ``bentofile.yaml`` brings in the ``python.requirements_txt`` it names (the
  Bento's environment);
* a Python file that fits a model brings in the files that run it (``python path/x.py
  data.csv`` in a Makefile, shell script, README, ``dvc.yaml``, workflow or Dockerfile)
  and the CSV/TSV files they pass it (its feature columns come from their header);
* a Python module brings in the ``.env`` of its folder and of the folders above (a bind
  address read from the environment takes its value there) and the Python modules that
  import it, transitively (whether an unsafe load is on a serving path depends on the
  app module that imports it); a module that runs an app (``site.run(...)``,
  ``uvicorn.run("pkg.mod:app")``) brings in the project modules it imports or names, whose
  app it binds;
* a ``.env`` file also brings in the Python modules of its folder and below that read the
  environment (their bind address may be one of its values);
* a changed ``.mlscan.yaml`` / ``.mlscan.yml`` changes every finding: the whole root is
  scanned.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

import yaml

from mlscan.collectors.artifacts.discovery import (
    DIR_MARKERS,
    SIGNATURE_SUFFIXES,
    may_be_model_file,
)
from mlscan.collectors.dvc.config import credential_files_named
from mlscan.collectors.mlflow.charts import chart_values_name
from mlscan.collectors.mlflow.cmd import split_shell
from mlscan.collectors.privacy.features import (
    invocations,
    is_invocation_file,
    is_training_candidate,
    run_arguments,
)
from mlscan.collectors.serving.launchers import module_candidates, parse_launch
from mlscan.collectors.supply_chain.bento import BENTOFILES
from mlscan.compose_files import is_compose_name
from mlscan.config import CONFIG_NAMES, Config
from mlscan.errors import FileReadError
from mlscan.workspace import Workspace, WorkspaceOptions

_S3_ARN = re.compile(r"arn:aws:s3:::([a-z0-9][a-z0-9.\-]{1,61}[a-z0-9])")
_TF_SUFFIXES = (".tf", ".tf.json")
_FILE_REF = re.compile(r'\b(?:templatefile|file)\(\s*"([^"]+)"')
_LOCAL_SOURCE = re.compile(r'(?m)^\s*source\s*=\s*"(\.\.?/[^"]*)"')
_VALUES = re.compile(r"^values([.\-][\w.\-]+)?\.ya?ml$", re.I)
_ENV_FILE = re.compile(
    r"^\s*(?:env_file:\s*|-\s*(?:path:\s*)?)[\"']?([\w./\-]+\.env[\w.\-]*|\.env[\w.\-]*)", re.M
)
_PARAMS = ("params.yaml", "params.yml")
_SCRIPT = re.compile(r"(?<![\w./\-])((?:\./)?[\w.\-]+(?:/[\w.\-]+)*\.py)\b")
_PIPELINES = ("dvc.yaml", "Makefile", "GNUmakefile", "tox.ini")
_API_VERSION = re.compile(r"^apiVersion:\s*\S", re.M)
_KIND = re.compile(r"^kind:\s*\S", re.M)


_IMPORTED = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+))", re.M)
_APP_REF = re.compile(r"[\"']([A-Za-z_][\w.]*):[A-Za-z_]\w*[\"']")


def _is_dotenv(name: str) -> bool:
    lower = name.lower()
    return lower == ".env" or lower.startswith(".env.") or lower.endswith(".env")
_MAX_DEPENDENCY_TEXT = 4 * 1024 * 1024


def expand_paths(root: Path, only: tuple[str, ...], config: Config) -> tuple[str, ...] | None:
    """The files to scan for the named ``only`` paths (relative to ``root``): the named
    files, every file below a named directory, and their dependencies. None means the
    whole root (a changed configuration file)."""
    if any(PurePosixPath(p).name in CONFIG_NAMES and "/" not in p for p in only):
        return None
    if all((root / p).is_file() and not _may_have_dependencies(root, p) for p in only):
        return only  # nothing to follow: no need to walk the whole tree
    ws = Workspace.discover(
        root,
        WorkspaceOptions(
            max_file_size=config.limits.max_file_size,
            max_files=config.limits.max_files,
            exclude=config.exclude,
        ),
    )
    deps = _Dependencies(ws, config)
    wanted: set[str] = set()
    todo: list[str] = []
    for p in only:
        todo.extend(deps.files_at(p))
    named = frozenset(todo)
    while todo:
        rel = todo.pop()
        if rel in wanted:
            continue
        wanted.add(rel)
        todo.extend(d for d in deps.of(rel, named=rel in named) if d not in wanted)
    return tuple(sorted(wanted))


def _may_have_dependencies(root: Path, rel: str) -> bool:
    p = PurePosixPath(rel)
    name = p.name
    lower = name.lower()
    return (
        lower.endswith(".dvc")
        or name in ("dvc.yaml", "dvc.lock")
        or _is_dvc_config(rel)
        or name in DIR_MARKERS
        or name in _PARAMS
        or _is_pipeline(rel)
        or any((root / a / "MLmodel").is_file() for a in p.parents if str(a) != ".")
        or lower.endswith(SIGNATURE_SUFFIXES)
        or may_be_model_file(rel)
        or p.suffix.lower() in (".json", ".py", ".ipynb", ".yaml", ".yml")
        or lower.endswith((*_TF_SUFFIXES, ".tfvars", ".tfvars.json"))
        or lower.endswith((".tftpl", ".tpl", ".yaml", ".yml"))  # read by templatefile()
        or _is_dotenv(name)
        or is_compose_name(name)
        or _VALUES.match(name) is not None
        or "templates" in p.parts
        or name in _LAUNCHERS
        or name == "Chart.yaml"
        or name in BENTOFILES
        or name.startswith("requirements")
        or _is_dockerfile(name)
        or chart_values_name(rel)
    )


_LAUNCHERS = ("Procfile", "heroku.yml")


def _is_pipeline(rel: str) -> bool:
    p = PurePosixPath(rel)
    return (
        p.name in _PIPELINES
        or p.name.endswith(".mk")
        or (len(p.parts) == 3 and p.parts[:2] == (".github", "workflows"))
        or p.name in (".gitlab-ci.yml", ".gitlab-ci.yaml")
    )


def _is_dvc_config(rel: str) -> bool:
    p = PurePosixPath(rel)
    return p.name in ("config", "config.local") and p.parent.name == ".dvc"


def _is_dockerfile(name: str) -> bool:
    lower = name.lower()
    return lower in ("dockerfile", "containerfile") or lower.startswith("dockerfile.") or (
        lower.endswith(".dockerfile")
    )


class _Dependencies:
    def __init__(self, ws: Workspace, config: Config) -> None:
        self.ws = ws
        self.config = config
        self.paths = frozenset(f.path for f in ws.files)
        self._sorted = sorted(self.paths)
        self._file_refs: dict[str, set[str]] | None = None
        self._py_texts: dict[str, str | None] = {}

    # ------------------------------------------------------------------ lookups
    def files_at(self, rel: str) -> list[str]:
        """``rel`` itself when it is a discovered file, else every file below it."""
        rel = rel.strip("/")
        if rel in self.paths:
            return [rel]
        prefix = rel + "/" if rel else ""
        return [p for p in self._sorted if p.startswith(prefix)]

    def _text(self, rel: str) -> str | None:
        f = self.ws.get(rel)
        if f is None or f.size > _MAX_DEPENDENCY_TEXT:
            return None
        try:
            return self.ws.read_text(rel)
        except FileReadError:
            return None

    # ------------------------------------------------------------- dependencies
    def of(self, rel: str, *, named: bool = True) -> list[str]:
        """What ``rel`` depends on. ``named``: ``rel`` was named itself (staged), not
        reached as a dependency; some rules apply to named files only, or one staged
        reader of ``params.yaml`` would bring in every other reader."""
        p = PurePosixPath(rel)
        name = p.name
        out: list[str] = []
        if name.endswith(".dvc") and name != ".dvc":
            out += self._dvc_outputs(rel)
        elif name in ("dvc.yaml", "dvc.lock"):
            other = "dvc.lock" if name == "dvc.yaml" else "dvc.yaml"
            out += self.files_at(str(p.with_name(other)))
        if name.lower().endswith(SIGNATURE_SUFFIXES):
            out += self._signed_target(rel)
            out += self._trust_files()
        elif may_be_model_file(rel) or name in DIR_MARKERS:
            out += self._signatures_of(rel)
            if name in DIR_MARKERS:
                out += self.files_at(str(p.parent)) if str(p.parent) != "." else [rel]
        if p.suffix.lower() == ".json" and not name.lower().endswith(SIGNATURE_SUFFIXES):
            out += self._buckets_of_policy(rel)
        if _is_dvc_config(rel):
            out += self._dvc_config_files(rel)
        elif p.suffix.lower() == ".json":
            out += self._dvc_configs_naming(rel)
        if name == "Chart.yaml":
            out += [f for f in self._siblings(rel) if chart_values_name(f)]
        elif chart_values_name(rel):
            out += self._chart_files(rel)
        if name.endswith((*_TF_SUFFIXES, ".tfvars", ".tfvars.json")):
            out += self._module_files(rel)
            out += self._linked_modules(rel)
        out += self._terraform_file_refs(rel)
        if name in _LAUNCHERS or _is_dockerfile(name):
            out += self._launched_apps(rel)
        elif p.suffix == ".py":
            out += self._launchers_of(rel)
            out += self._dotenv_above(rel)
            out += self._importers(rel)
            out += self._run_targets(rel)
            out += self._training_runs(rel)
        if _is_dotenv(name):
            out += self._env_readers(rel)
        if name in BENTOFILES:
            out += self._bento_requirements(rel)
        elif name.startswith("requirements"):
            # the bentofile of its folder may name it as the Bento's environment
            folder = str(p.parent)
            out += [q for q in self._in_folder(folder) if PurePosixPath(q).name in BENTOFILES]
        out += self._secret_links(rel)
        out += self._mlmodel_of(rel)
        out += self._manifest_siblings(rel)
        if _is_pipeline(rel):
            out += self._pipeline_scripts(rel)
        if name in _PARAMS and named:
            out += self._params_readers(rel)
        return out

    def _is_manifest(self, rel: str) -> bool:
        if PurePosixPath(rel).suffix.lower() not in (".yaml", ".yml"):
            return False
        text = self._text(rel) or ""
        return _API_VERSION.search(text) is not None and _KIND.search(text) is not None

    def _manifest_siblings(self, rel: str) -> list[str]:
        """The Kubernetes manifests of a manifest's folder: objects reference each other
        by name (a Service its Deployment, an HTTPRoute its Gateway, an Ingress its
        Service), and the serving facts of one are only known with the other."""
        if not self._is_manifest(rel):
            return []
        folder = str(PurePosixPath(rel).parent)
        return [q for q in self._in_folder(folder) if q != rel and self._is_manifest(q)]

    def _mlmodel_of(self, rel: str) -> list[str]:
        """The ``MLmodel`` of the MLflow model directory ``rel`` belongs to."""
        for parent in PurePosixPath(rel).parents:
            if str(parent) == ".":
                break
            marker = f"{parent}/MLmodel"
            if marker in self.paths and marker != rel:
                return [marker]
        return []

    def _pipeline_scripts(self, rel: str) -> list[str]:
        """The Python scripts a pipeline's commands run, and ``dvc.yaml`` when it runs
        ``dvc repro``."""
        text = self._text(rel)
        if text is None:
            return []
        base = PurePosixPath(rel).parent
        out: list[str] = []
        for named in sorted(set(_SCRIPT.findall(text))):
            for target in (named, (base / named).as_posix()):
                target = posixpath.normpath(target)
                if target in self.paths:
                    out.append(target)
        if "dvc repro" in text:
            out += [q for q in ("dvc.yaml", f"{base}/dvc.yaml") if q in self.paths]
        return out

    def _params_readers(self, rel: str) -> list[str]:
        """The Python files and notebooks of the params file's folder and below that
        read DVC params (the reverse of the rule in ``_secret_links``)."""
        folder = str(PurePosixPath(rel).parent)
        prefix = "" if folder == "." else folder + "/"
        return [
            q
            for q in self._sorted
            if q.startswith(prefix)
            and PurePosixPath(q).suffix.lower() in (".py", ".ipynb")
            and "params" in (self._text(q) or "")
        ]

    def _dvc_config_files(self, rel: str) -> list[str]:
        """A DVC config brings in the other config of its project (DVC merges them) and
        the credential files either names (MLS-DVC-004 reads whether they hold a key)."""
        folder = str(PurePosixPath(rel).parent)
        configs = [f"{folder}/config", f"{folder}/config.local"]
        out = [c for c in configs if c in self.paths and c != rel]
        for config in configs:
            text = self._text(config) if config in self.paths else None
            if text is not None:
                out += [f for f in credential_files_named(config, text) if f in self.paths]
        return out

    def _dvc_configs_naming(self, rel: str) -> list[str]:
        """The DVC configs that name ``rel`` as a credential file."""
        return [
            config
            for config in self._sorted
            if _is_dvc_config(config)
            and rel in credential_files_named(config, self._text(config) or "")
        ]

    def _siblings(self, rel: str) -> list[str]:
        parent = str(PurePosixPath(rel).parent)
        return [
            f for f in self._sorted if str(PurePosixPath(f).parent) == parent and f != rel
        ]

    def _chart_files(self, rel: str) -> list[str]:
        for parent in PurePosixPath(rel).parents:
            chart = "Chart.yaml" if str(parent) == "." else f"{parent}/Chart.yaml"
            if chart in self.paths:
                return [chart]
        return []

    def _launched_apps(self, rel: str) -> list[str]:
        text = self._text(rel)
        if text is None:
            return []
        found: list[str] = []
        for line in text.splitlines():
            if "[" in line and '"' in line:
                line = line.replace('"', " ").replace(",", " ").replace("[", " ").replace("]", " ")
            launch = parse_launch(split_shell(line.partition(":")[2] if line.startswith("web:")
                                              else line), 1, 1)  # fmt: skip
            if launch is None or launch.module is None:
                continue
            matches = [
                f
                for suffix in module_candidates(launch.module)
                for f in self._sorted
                if f == suffix or f.endswith("/" + suffix)
            ]
            base = str(PurePosixPath(rel).parent)
            near = [f for f in matches if base == "." or f.startswith(base + "/")]
            found += near or matches
        return sorted(set(found))

    def _launchers_of(self, rel: str) -> list[str]:
        """Launchers above the app, and any launcher elsewhere that names it."""
        dirs = {str(a) for a in PurePosixPath(rel).parents}
        out: list[str] = []
        for f in self._sorted:
            name = PurePosixPath(f).name
            if not (name in _LAUNCHERS or _is_dockerfile(name)):
                continue
            if str(PurePosixPath(f).parent) in dirs or rel in self._launched_apps(f):
                out.append(f)
        return out

    def _bento_requirements(self, rel: str) -> list[str]:
        text = self._text(rel) or ""
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            return []
        python = data.get("python") if isinstance(data, dict) else None
        req = python.get("requirements_txt") if isinstance(python, dict) else None
        if not isinstance(req, str) or ".." in req:
            return []
        target = posixpath.normpath((PurePosixPath(rel).parent / req.strip()).as_posix())
        return [target] if target in self.paths else []

    def _training_runs(self, rel: str) -> list[str]:
        """The files that run a training script, and the datasets they pass it."""
        text = self._text(rel)
        if text is None or not is_training_candidate(text):
            return []
        name = PurePosixPath(rel).name
        runners = [
            (f, t)
            for f in self._sorted
            if is_invocation_file(f) and name in (t := self._text(f) or "")
        ]
        out: list[str] = []
        for f, t in runners:
            arg_lists = run_arguments(rel, invocations([(f, t)]))
            if arg_lists:
                out.append(f)
            for arg in (a for args in arg_lists for a in args):
                path = posixpath.normpath(arg.strip("\"'").lstrip("./"))
                if path in self.paths and path.lower().endswith((".csv", ".tsv")):
                    out.append(path)
        # datasets the script names itself (an argparse default, a joined path constant)
        out += [
            f
            for f in self._sorted
            if f.lower().endswith((".csv", ".tsv")) and PurePosixPath(f).name in text
        ]
        return sorted(set(out))

    def _dotenv_above(self, rel: str) -> list[str]:
        out: list[str] = []
        for parent in PurePosixPath(rel).parents:
            env = ".env" if str(parent) == "." else f"{parent}/.env"
            if env in self.paths:
                out.append(env)
        return out

    def _importers(self, rel: str) -> list[str]:
        """Python files with an import statement naming ``rel``'s module."""
        p = PurePosixPath(rel)
        name = p.parent.name if p.name == "__init__.py" else p.stem
        if not name.isidentifier():
            return []
        rx = re.compile(rf"^\s*(from|import)\s[^#\n]*\b{re.escape(name)}\b", re.M)
        out: list[str] = []
        for f in self._sorted:
            if f == rel or not f.endswith(".py"):
                continue
            if f not in self._py_texts:  # read once per expansion, however many modules
                self._py_texts[f] = self._text(f)
            text = self._py_texts[f]
            if text is not None and name in text and rx.search(text):
                out.append(f)
        return out

    def _run_targets(self, rel: str) -> list[str]:
        """Project modules imported or named (``"pkg.mod:app"``) by a module that runs an app."""
        text = self._text(rel) or ""
        if ".run(" not in text:
            return []
        dotted = [m.group(1) or m.group(2) for m in _IMPORTED.finditer(text)]
        dotted += _APP_REF.findall(text)
        folder = PurePosixPath(rel).parent
        out: list[str] = []
        for name in dotted:
            tail = name.replace(".", "/")
            for base in (folder, PurePosixPath(".")):
                for cand in (f"{tail}.py", f"{tail}/__init__.py"):
                    path = posixpath.normpath((base / cand).as_posix())
                    if path in self.paths and path != rel:
                        out.append(path)
        return out

    def _env_readers(self, rel: str) -> list[str]:
        """Python modules at or below a ``.env`` file's folder that read the environment."""
        folder = str(PurePosixPath(rel).parent)
        prefix = "" if folder == "." else folder + "/"
        out: list[str] = []
        for f in self._sorted:
            if not (f.endswith(".py") and f.startswith(prefix)):
                continue
            if f not in self._py_texts:
                self._py_texts[f] = self._text(f)
            text = self._py_texts[f]
            if text is not None and ("getenv" in text or "environ" in text or "Settings" in text):
                out.append(f)
        return out

    def _in_folder(self, folder: str) -> list[str]:
        prefix = "" if folder in ("", ".") else folder + "/"
        return [q for q in self._sorted if q.startswith(prefix) and "/" not in q[len(prefix):]]

    def _secret_links(self, rel: str) -> list[str]:
        """Files a secret (or a model reference) in ``rel`` is linked through."""
        p = PurePosixPath(rel)
        folder = str(p.parent)
        out: list[str] = []
        if _is_dotenv(p.name):
            out += [q for q in self._in_folder(folder) if is_compose_name(PurePosixPath(q).name)]
        elif is_compose_name(p.name):
            out += [q for q in self._in_folder(folder) if _is_dotenv(PurePosixPath(q).name)]
            text = self._text(rel) or ""
            for named in _ENV_FILE.findall(text):
                target = posixpath.normpath((p.parent / named).as_posix())
                if target in self.paths:
                    out.append(target)
        elif _VALUES.match(p.name):
            out += self.files_at(str(p.parent / "templates"))
        elif "templates" in p.parts:
            chart = PurePosixPath(*p.parts[: p.parts.index("templates")])
            out += [q for q in self._in_folder(str(chart)) if _VALUES.match(PurePosixPath(q).name)]
        elif p.suffix.lower() in (".py", ".ipynb"):
            text = self._text(rel) or ""
            if "params" in text:
                here = "" if folder == "." else folder + "/"
                out += [q for n in _PARAMS for q in (n, here + n) if q in self.paths]
        return out

    def _module_files(self, rel: str) -> list[str]:
        """The Terraform files and tfvars of ``rel``'s folder (one module)."""
        folder = str(PurePosixPath(rel).parent)
        prefix = "" if folder == "." else folder + "/"
        return [
            p
            for p in self._sorted
            if p.startswith(prefix)
            and "/" not in p[len(prefix) :]
            and p.endswith((*_TF_SUFFIXES, ".tfvars", ".tfvars.json"))
        ]

    def _terraform_file_refs(self, rel: str) -> list[str]:
        """A Terraform file and the files it reads with ``templatefile()`` / ``file()``
        (Helm values of a ``helm_release``), both ways."""
        if self._file_refs is None:
            self._file_refs = {}
            for p in self._sorted:
                if not p.endswith(_TF_SUFFIXES):
                    continue
                text = self._text(p) or ""
                if "file(" not in text:
                    continue
                folder = posixpath.dirname(p)
                for m in _FILE_REF.finditer(text):
                    written = re.sub(r"^\$\{path\.(module|root|cwd)\}/?", "", m.group(1))
                    target = posixpath.normpath(posixpath.join(folder, written))
                    if target in self.paths:
                        self._file_refs.setdefault(p, set()).add(target)
                        self._file_refs.setdefault(target, set()).add(p)
        out: list[str] = []
        for linked in sorted(self._file_refs.get(rel, ())):
            out += [linked] if rel.endswith(_TF_SUFFIXES) else self._module_files(linked)
        return out

    def _linked_modules(self, rel: str) -> list[str]:
        """Terraform files of every folder joined to ``rel``'s by local module calls."""
        edges: dict[str, set[str]] = {}
        for p in self._sorted:
            if not p.endswith(_TF_SUFFIXES):
                continue
            text = self._text(p) or ""
            folder = posixpath.dirname(p) or "."
            for m in _LOCAL_SOURCE.finditer(text):
                called = posixpath.normpath(posixpath.join(folder, m.group(1)))
                edges.setdefault(folder, set()).add(called)
                edges.setdefault(called, set()).add(folder)
        start = posixpath.dirname(rel) or "."
        seen = {start}
        todo = [start]
        while todo:
            for nxt in sorted(edges.get(todo.pop(), ())):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        out: list[str] = []
        for folder in sorted(seen - {start}):
            out += self._module_files(folder + "/x.tf" if folder != "." else "x.tf")
        return out

    def _dvc_outputs(self, rel: str) -> list[str]:
        text = self._text(rel)
        if text is None:
            return []
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            return []
        outs = data.get("outs") if isinstance(data, dict) else None
        base = PurePosixPath(rel).parent
        found: list[str] = []
        for out in outs if isinstance(outs, list) else []:
            path = out.get("path") if isinstance(out, dict) else None
            if isinstance(path, str) and path and not path.startswith("/") and ".." not in path:
                target = (base / path).as_posix().removeprefix("./")
                found += self.files_at(target)
        return found

    def _signatures_of(self, rel: str) -> list[str]:
        """Signature files of ``rel`` and of each directory that contains it."""
        found: list[str] = []
        candidates = [rel, *(str(a) for a in PurePosixPath(rel).parents if str(a) != ".")]
        signatures = dict(self.config.signing.signatures)
        for c in candidates:
            found += [c + s for s in SIGNATURE_SUFFIXES if c + s in self.paths]
            mapped = signatures.get(c)
            if mapped and mapped in self.paths:
                found.append(mapped)
        if found:
            found += self._trust_files()
        return found

    def _signed_target(self, rel: str) -> list[str]:
        lower = rel.lower()
        targets = [rel[: -len(s)] for s in SIGNATURE_SUFFIXES if lower.endswith(s)]
        targets += [m for m, s in self.config.signing.signatures.items() if s == rel]
        found: list[str] = []
        for t in targets:
            if t:
                found += self.files_at(t)
        return found

    def _trust_files(self) -> list[str]:
        s = self.config.signing
        named: Iterable[str | None] = (*s.trusted_keys, *s.trusted_certificates, s.trust_root)
        return [n for n in named if n and n in self.paths]

    def _buckets_of_policy(self, rel: str) -> list[str]:
        text = self._text(rel)
        if text is None or "Statement" not in text:
            return []
        try:
            json.loads(text)
        except ValueError:
            return []
        buckets = sorted(set(_S3_ARN.findall(text)))
        if not buckets:
            return []
        quoted = [f'"{b}"' for b in buckets]
        found: list[str] = []
        for path in self._sorted:
            if not path.endswith(_TF_SUFFIXES):
                continue
            tf = self._text(path)
            if tf is not None and any(q in tf for q in quoted):
                found.append(path)
        return found
