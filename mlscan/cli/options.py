"""Options shared by several commands, defined once so that their spelling and help agree."""

from __future__ import annotations

import click

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Configuration file (default: .mlscan.yaml or [tool.mlscan] at the root).",
)

policy_option = click.option(
    "--policy",
    "policy_dirs",
    multiple=True,
    type=click.Path(),
    help="Extra Rego policy folder (repeatable).",
)
