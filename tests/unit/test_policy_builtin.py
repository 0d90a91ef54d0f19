"""CI gates over whatever built-in controls exist when the suite runs:

* every test_* rule in rego/ passes;
* every control package has a passing test during which its deny fires and one during
  which deny is evaluated and stays silent (the convention in CONTRIBUTING.md, "Controls");
* docs/controls.md is what `mlscan policy docs` generates, and every control's helpUri
  anchor exists in it.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from mlscan.controls import HELP_BASE, load_policy_set
from mlscan.policy.docs import render_controls_markdown
from mlscan.policy.testing import run_policy_tests

REPO = Path(__file__).resolve().parent.parent.parent
DOCS = REPO / "docs" / "controls.md"


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return run_policy_tests()


def test_every_builtin_policy_test_passes(report) -> None:  # type: ignore[no-untyped-def]
    failures = [f"{t.rule} ({t.file}:{t.line}) {t.error}" for t in report.failed]
    assert failures == []


def test_every_builtin_control_has_a_firing_and_a_silent_test(report) -> None:  # type: ignore[no-untyped-def]
    controls = load_policy_set().controls
    assert sorted(c.control_id for c in report.controls) == sorted(c.id for c in controls)
    problems = [f"{c.control_id} ({c.source}): {p}" for c in report.controls for p in c.problems]
    assert problems == []
    for c in report.controls:
        assert c.fires, c.control_id
        assert c.silent, c.control_id


def test_every_builtin_control_package_has_a_test_file() -> None:
    for c in load_policy_set().controls:
        test_file = REPO / (c.source[: -len(".rego")] + "_test.rego")
        assert test_file.is_file(), f"{c.id}: add {test_file.relative_to(REPO)}"


def test_controls_md_is_up_to_date() -> None:
    expected = render_controls_markdown(load_policy_set().controls)
    current = DOCS.read_text(encoding="utf-8") if DOCS.exists() else ""
    assert current == expected, (
        "docs/controls.md is stale; run: python -m mlscan policy docs --output docs/controls.md"
    )


def test_help_uri_anchors_exist_in_controls_md() -> None:
    text = DOCS.read_text(encoding="utf-8")
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', text))
    for c in load_policy_set().controls:
        parts = urlsplit(c.help_uri)
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == HELP_BASE
        assert parts.fragment == c.id.lower()
        assert parts.fragment in anchors, f"{c.id}: #{parts.fragment} missing in docs/controls.md"
        assert f"[{c.id}](#{parts.fragment})" in text
