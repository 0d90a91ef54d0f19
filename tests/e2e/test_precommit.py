"""The pre-commit hook with the real ``pre-commit``: ``try-repo`` against a commit of this
checkout, on a git repository holding an insecure or a hardened example.

pre-commit builds a virtualenv and pip-installs mlscan into it. To stay lean the hook
repository holds only what the wheel needs, and pip gets a local wheelhouse of mlscan's
dependencies (built once, from pip's cache; pip uses the index only when the wheelhouse
could not be completed). The pre-commit environment is shared by every test of this module.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import EXAMPLES, REPO, git

pytestmark = pytest.mark.slow

PRE_COMMIT = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which(
    "pre-commit"
)
HOOK_REPO_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "mlscan", "rego")


def _runtime_requirements() -> list[str]:
    import tomllib

    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    build = data["build-system"]["requires"]
    return [*data["project"]["dependencies"], *build]


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository whose HEAD is this checkout's current hook and package files."""
    repo = tmp_path_factory.mktemp("hook-repo")
    for name in HOOK_REPO_FILES:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, repo / name)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "hook under test")
    return repo


@pytest.fixture(scope="module")
def precommit_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    if PRE_COMMIT is None:
        pytest.fail("pre-commit is not installed (it is in the 'test' extra)")
    home = tmp_path_factory.mktemp("pre-commit-home")
    wheels = tmp_path_factory.mktemp("wheelhouse")
    # Wheels of mlscan's dependencies and build backend, from pip's cache when it has them.
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--wheel-dir",
            str(wheels),
            *_runtime_requirements(),
        ],
        check=False,
        capture_output=True,
        timeout=600,
    )
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_", "VIRTUAL"))
    }
    env.update(
        {
            "PRE_COMMIT_HOME": str(home),
            "PIP_FIND_LINKS": str(wheels),
            # A complete wheelhouse needs no index: offline, and no resolver round trips.
            **({"PIP_NO_INDEX": "1"} if built.returncode == 0 else {}),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "NO_COLOR": "1",
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.com",
        }
    )
    return env


def _project(tmp_path: Path, example: str) -> Path:
    project = tmp_path / "project"
    shutil.copytree(
        EXAMPLES / example, project, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    git(project, "init", "-q")
    git(project, "add", "-A")
    return project


def _try_repo(
    project: Path, hook_repo: Path, env: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    assert PRE_COMMIT is not None
    return subprocess.run(
        [PRE_COMMIT, "try-repo", str(hook_repo), "mlscan", "--verbose", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_hook_definition_is_a_python_hook_on_staged_file_names() -> None:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "mlscan"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    assert hook["entry"] == "mlscan scan --fail-on high"


@pytest.fixture(scope="module")
def configured_env(
    hook_repo: Path, precommit_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, str], str]:
    """A ``.pre-commit-config.yaml`` naming the hook repository at its commit, as users
    write it. Unlike ``try-repo``, ``pre-commit run`` keeps its environment in
    PRE_COMMIT_HOME, so the tests below share one install."""
    rev = git(hook_repo, "rev-parse", "HEAD").strip()
    config = (
        "repos:\n"
        f"  - repo: {hook_repo.as_posix()}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: mlscan\n"
    )
    return precommit_env, config


def _configured_project(tmp_path: Path, example: str, config: str) -> Path:
    project = _project(tmp_path, example)
    (project / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    git(project, "add", ".pre-commit-config.yaml")
    return project


def _pre_commit(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    assert PRE_COMMIT is not None
    return subprocess.run(
        [PRE_COMMIT, *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_hook_fails_on_the_insecure_example_with_the_findings_in_its_output(
    tmp_path: Path, configured_env: tuple[dict[str, str], str]
) -> None:
    env, config = configured_env
    project = _configured_project(tmp_path, "sentiment-api/insecure", config)
    proc = _pre_commit(project, env, "run", "--all-files", "--verbose")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "mlscan (ML security scan)" in out
    assert "Failed" in out
    assert "deploy/docker-compose.yml" in out
    assert "L21:7  CRITICAL  MLS-MLF-001  mlflow server listens on 0.0.0.0 without auth" in out
    assert "L23:7  HIGH  MLS-MLF-004" in out
    assert "FAKEPASSWORD" not in out  # secret values never reach the output


def test_try_repo_runs_the_hook_from_a_commit_of_this_checkout(
    tmp_path: Path, hook_repo: Path, precommit_env: dict[str, str]
) -> None:
    """``pre-commit try-repo`` builds its own environment in a temporary store (a second
    install), so it runs only with MLSCAN_TEST_TRY_REPO=1; the tests above use the same
    hook through ``.pre-commit-config.yaml``."""
    if not os.environ.get("MLSCAN_TEST_TRY_REPO"):
        pytest.skip("set MLSCAN_TEST_TRY_REPO=1 to also run pre-commit try-repo")
    project = _project(tmp_path, "sentiment-api/insecure")
    proc = _try_repo(project, hook_repo, precommit_env, "--all-files")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "L21:7  CRITICAL  MLS-MLF-001" in out


def test_hook_passes_on_the_hardened_example(
    tmp_path: Path, configured_env: tuple[dict[str, str], str]
) -> None:
    env, config = configured_env
    project = _configured_project(tmp_path, "sentiment-api/hardened", config)
    proc = _pre_commit(project, env, "run", "--all-files", "--verbose")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "mlscan (ML security scan)" in out
    assert "Passed" in out
    assert "0 findings" in out


def test_installed_hook_blocks_a_commit_of_insecure_files_only(
    tmp_path: Path, configured_env: tuple[dict[str, str], str]
) -> None:
    """The installed git hook scans the staged files plus their dependencies: a staged
    DVC file alone commits; staging the insecure compose file blocks the commit."""
    env, config = configured_env
    project = _configured_project(tmp_path, "sentiment-api/insecure", config)
    git(project, "reset", "-q")
    install = _pre_commit(project, env, "install")
    assert install.returncode == 0, install.stdout + install.stderr

    def commit(*files: str) -> subprocess.CompletedProcess[str]:
        subprocess.run(["git", "add", *files], cwd=project, check=True, env=env)
        return subprocess.run(
            ["git", "commit", "-q", "-m", "change"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )

    # lexicon.csv.dvc: its artifact holds no personal data (reviews.csv would, MLS-PRV-001)
    first = commit(".pre-commit-config.yaml", "data/lexicon.csv.dvc")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "MLS-MLF" not in first.stdout + first.stderr

    second = commit("deploy/docker-compose.yml")
    out = second.stdout + second.stderr
    assert second.returncode == 1, out
    assert "deploy/docker-compose.yml" in out
    assert "L21:7  CRITICAL  MLS-MLF-001" in out
    assert "L23:7  HIGH  MLS-MLF-004" in out
    # Nothing was committed: HEAD still holds only the first commit's files.
    tree = git(project, "ls-tree", "-r", "--name-only", "HEAD").split()
    assert tree == [".pre-commit-config.yaml", "data/lexicon.csv.dvc"]
