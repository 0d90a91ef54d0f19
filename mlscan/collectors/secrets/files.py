"""Which committed files are searched for secrets, and how each is read.

``file_kind`` names the kind of file (it becomes the fact's ``file_kind``); ``dialect`` is
the syntax detect-secrets is told to expect. Files ML teams commit: ``.env*``, compose
files, Kubernetes manifests and Helm values, Terraform, Python and notebooks, shell
scripts, CI workflows, Dockerfiles, ``.dvc/config``, MLflow configs, MinIO / S3 / AWS
client configs (``.mc/config.json``, MinIO credential exports, ``.s3cfg``, ``.aws/credentials``,
``.boto``, ``rclone.conf``), and the JSON config and IAM files of a committed MinIO data
directory (``.minio.sys/**/<name>.json/xl.meta``).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from mlscan.collectors.minio_xl import XL_META, data_dir_of, object_key
from mlscan.compose_files import is_compose_name

_CI = re.compile(
    r"(^|/)(\.github/workflows/[^/]+\.ya?ml|\.gitlab-ci\.ya?ml|\.circleci/config\.ya?ml|"
    r"azure-pipelines\.ya?ml|bitbucket-pipelines\.ya?ml|Jenkinsfile)$"
)
_S3_CLIENT_NAMES = frozenset(
    {".s3cfg", "s3cfg", ".boto", "rclone.conf", ".passwd-s3fs", "passwd-s3fs"}
)
_JSON_CREDENTIALS = re.compile(
    r"(credential|minio|secret|access[-_]?key|service[-_]?account)[\w.\-]*\.json$", re.I
)


# (file kind, detect-secrets dialect) by how the file is recognised, first match wins
def classify(rel: str) -> tuple[str, str] | None:
    p = PurePosixPath(rel)
    name = p.name
    lower = name.lower()
    parent = p.parent.as_posix()
    if parent.endswith(".dvc") and name in ("config", "config.local"):
        return "dvc", "ini"
    if lower == ".env" or lower.startswith(".env.") or lower.endswith(".env"):
        return "dotenv", "dotenv"
    if is_compose_name(name):
        return "compose", "yaml"
    if _CI.search(rel):
        return "ci", "text" if name == "Jenkinsfile" else "yaml"
    if lower == "basic_auth.ini" or (lower.endswith((".ini", ".cfg")) and "mlflow" in rel.lower()):
        return "mlflow", "ini"
    # a committed MinIO data directory: .minio.sys/config/iam/users/<user>/identity.json
    # holds the user's access and secret key; MinIO since 2021 stores such small files
    # inline in <name>/xl.meta (the collector reads the JSON object inside)
    if (name == XL_META and data_dir_of(rel) is not None
            and object_key(rel).lower().endswith(".json")):
        return "minio-xl", "json"
    if lower.endswith(".json") and (".minio.sys/" in rel or lower == "identity.json"):
        return "s3-client", "json"
    if (name == "config.json" and parent.endswith(".mc")) or _JSON_CREDENTIALS.search(lower):
        return "s3-client", "json"
    if lower in _S3_CLIENT_NAMES or (parent.endswith(".aws") and name in ("credentials", "config")):
        return "s3-client", "ini"
    suffix = p.suffix.lower()
    if suffix in (".yaml", ".yml"):
        if re.match(r"values([.\-][\w.\-]+)?\.ya?ml$", lower):
            return "helm-values", "yaml"
        return "yaml", "yaml"
    if suffix in (".tf", ".tfvars", ".hcl") or lower.endswith(".tfvars.json"):
        return "terraform", "terraform"
    if suffix == ".py":
        return "python", "python"
    if suffix == ".ipynb":
        return "notebook", "python"
    if suffix in (".sh", ".bash", ".zsh") or lower in ("entrypoint", "start", "run"):
        return "shell", "shell"
    if lower == "dockerfile" or lower.startswith("dockerfile.") or lower.endswith(".dockerfile"):
        return "dockerfile", "dockerfile"
    if suffix in (".md", ".markdown", ".rst"):
        return "markdown", "shell"  # only fenced / indented code is read (collector)
    if suffix in (".ini", ".cfg", ".conf", ".properties"):
        return "config", "ini"
    if suffix == ".toml":
        return "config", "toml"
    return None
