"""The self-contained HTML report: inline CSS and SVG, no scripts, no external requests.

Every value from the scanned repository passes through Jinja2's autoescaping, after
control characters, bidi overrides and terminal escapes are made visible (``_finalize``). The only
style sheet is allowed by its hash in a restrictive Content-Security-Policy.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from importlib import resources

import jinja2
import markupsafe

from mlscan.models import SEVERITIES, STRIDE_CATEGORIES, STRIDE_LETTER, printable
from mlscan.report import views
from mlscan.report.diagram import BOUNDARIES
from mlscan.report.model import Report


def _trunc(value: object, length: int) -> str:
    text = str(value)
    return text if len(text) <= length else text[: length - 1] + "\u2026"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("mlscan.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
        lstrip_blocks=False,
    )
    env.filters["trunc"] = _trunc
    env.finalize = _finalize
    return env


def _finalize(value: object) -> object:
    """Every ``{{ value }}``: plain strings (repository text) get their control
    characters, bidi overrides and terminal escapes made visible before autoescaping;
    markup that a template marked safe (the style sheet) is left alone."""
    if isinstance(value, str) and not isinstance(value, markupsafe.Markup):
        return printable(value, keep="\n\t")
    return value


@lru_cache(maxsize=1)
def stylesheet() -> str:
    return (resources.files("mlscan.report") / "templates" / "report.css").read_text("utf-8")


def style_hash(css: str) -> str:
    """The CSP source expression that allows exactly this ``<style>`` content."""
    digest = hashlib.sha256(css.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def render(report: Report) -> str:
    css = stylesheet()
    matrix, matrix_more = views.stride_matrix(report)
    linddun, linddun_total, linddun_tagged = views.linddun_table(report)
    template = _environment().get_template("report.html.j2")
    return template.render(
        r=report,
        d=report.diagram,
        s=views.summary(report),
        top=views.top_risks(report),
        matrix=matrix,
        matrix_more=matrix_more,
        linddun=linddun,
        linddun_total=linddun_total,
        linddun_tagged=linddun_tagged,
        plan=views.remediation_plan(report),
        families=views.family_counts(report),
        formula=views.RISK_FORMULA,
        severities=SEVERITIES,
        stride=STRIDE_CATEGORIES,
        letters=STRIDE_LETTER,
        stride_titles=views.STRIDE_TITLES,
        state_titles=views.STATE_TITLES,
        boundary_titles=dict(BOUNDARIES),
        element_labels={e.id: e.label for e in report.diagram.elements},
        refs=views.references,
        stride_letters=views.stride_letters,
        css=css,
        style_hash=style_hash(css),
    )
