"""How Python web apps and model servers are started: Dockerfile ``CMD``/``ENTRYPOINT``,
Procfile / ``heroku.yml`` process types, and shell lines.

A launcher names an app (``uvicorn pkg.main:app``, ``gunicorn app:server``,
``streamlit run ui.py``, ``python serve.py``) and the address it binds: uvicorn,
gunicorn and ``flask run`` default to 127.0.0.1, ``streamlit run`` to every interface, a
Heroku ``web`` process to the platform's public router.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SERVING_COMMANDS = re.compile(
    r"(?i)\b(uvicorn|gunicorn|hypercorn|waitress-serve|daphne|flask\s+run|streamlit\s+run|"
    r"bentoml\s+serve|mlflow\s+models\s+serve|torchserve|tensorflow_model_server|tritonserver|"
    r"serve\s+run|text-generation-launcher|vllm\s+serve|mlserver\s+start|"
    r"python\s+-m\s+vllm\.entrypoints)\b"
)
SERVING_BASE_IMAGE = re.compile(
    r"(?i)(tensorflow/serving|tritonserver|pytorch/torchserve|seldon|kserve|bentoml|vllm|"
    r"text-generation-inference|mlserver|sagemaker-inference|inference)"
)


@dataclass(frozen=True, kw_only=True)
class Launch:
    module: str | None  # dotted module ("pkg.main") or file ("ui.py")
    host: str  # the address it binds ("127.0.0.1" when the tool's default)
    host_explicit: bool
    port: str | None
    tool: str
    line: int
    col: int


def _host_port(value: str) -> tuple[str, str | None]:
    if value.startswith("unix:"):
        return "unix", None
    host, _, port = value.rpartition(":")
    if not host:
        return ("0.0.0.0", value) if value.isdigit() else (value, None)  # noqa: S104
    return host.strip("[]"), port or None


def parse_launch(tokens: list[str], line: int, col: int) -> Launch | None:
    """The app and bind address of one command (tokens after shell splitting)."""
    for i, tok in enumerate(tokens):
        base = tok.rsplit("/", 1)[-1]
        rest = tokens[i + 1 :]
        if base in ("python", "python3") and rest[:2] == ["-m", "uvicorn"]:
            base, rest = "uvicorn", rest[2:]
        if base in ("uvicorn", "gunicorn", "hypercorn", "daphne"):
            host, port, module = "127.0.0.1", None, None
            explicit = False
            j = 0
            while j < len(rest):
                arg = rest[j]
                value = rest[j + 1] if j + 1 < len(rest) else ""
                if arg in ("--host", "-H") or arg.startswith("--host="):
                    host = arg.split("=", 1)[1] if "=" in arg else value
                    explicit = True
                elif arg in ("--port", "-p") or arg.startswith("--port="):
                    port = arg.split("=", 1)[1] if "=" in arg else value
                elif arg in ("-b", "--bind") or arg.startswith("--bind="):
                    host, port = _host_port(arg.split("=", 1)[1] if "=" in arg else value)
                    explicit = True
                elif not arg.startswith("-") and ":" in arg and module is None:
                    module = arg.split(":", 1)[0]
                if arg.startswith("-") and "=" not in arg and value and not value.startswith("-"):
                    j += 1
                j += 1
            return Launch(
                module=module, host=host, host_explicit=explicit, port=port, tool=base,
                line=line, col=col,
            )  # fmt: skip
        if base == "flask" and rest[:1] == ["run"]:
            host, explicit = "127.0.0.1", False
            for j, arg in enumerate(rest):
                if arg in ("--host", "-h") and j + 1 < len(rest):
                    host, explicit = rest[j + 1], True
                elif arg.startswith("--host="):
                    host, explicit = arg.split("=", 1)[1], True
            return Launch(module=None, host=host, host_explicit=explicit, port=None,
                          tool="flask", line=line, col=col)  # fmt: skip
        if base == "streamlit" and rest[:1] == ["run"] and len(rest) > 1:
            host, explicit = "0.0.0.0", False  # noqa: S104 - streamlit's default
            for j, arg in enumerate(rest):
                if arg.startswith("--server.address"):
                    host = arg.split("=", 1)[1] if "=" in arg else rest[j + 1]
                    explicit = True
            return Launch(module=rest[1], host=host, host_explicit=explicit, port=None,
                          tool="streamlit", line=line, col=col)  # fmt: skip
        if base in ("python", "python3") and rest and rest[0].endswith(".py"):
            return Launch(module=rest[0], host="", host_explicit=False, port=None,
                          tool="python", line=line, col=col)  # fmt: skip
    return None


def module_candidates(module: str) -> list[str]:
    """Repository-relative file suffixes a launcher's module may be."""
    if module.endswith(".py"):
        return [module.lstrip("./")]
    path = module.replace(".", "/")
    return [f"{path}.py", f"{path}/__init__.py"]
