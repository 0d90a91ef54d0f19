from __future__ import annotations

from typing import Any

import pytest

from mlscan.models import Location, Notification, Suppression
from mlscan.reporters import text
from tests.factories import make_control, make_finding, make_location, make_result

MOD = make_control(
    id="MLS-MOD-001",
    title="Model artifact in a pickle-based format",
    severity="medium",
    stride=("tampering", "elevation-of-privilege"),
)
MLF = make_control(
    id="MLS-MLF-001",
    title="Tracking server reachable without authentication",
    severity="critical",
    stride=("spoofing", "elevation-of-privilege"),
)


def sample(**kw: Any) -> Any:
    findings = [
        make_finding(
            location=make_location(path=".dvc/config", line=12, col=5),
            message="DVC remote 'storage' uses plaintext http://",
            evidence={"url": "http://user:hunter2@example.invalid"},
        ),
        make_finding(
            control=MOD,
            location=Location(path="models/model.pkl"),
            message="model.pkl is a pickle",
            asset="models/model.pkl",
        ),
        make_finding(
            control=MLF,
            location=make_location(path="docker-compose.yml", line=8, col=None),
            message="mlflow server listens on 0.0.0.0 without --app-name basic-auth",
            asset="mlflow",
        ),
        make_finding(
            location=make_location(path=".dvc/config", line=20, col=1),
            message="DVC remote 'backup' has ssl_verify = false",
            asset="backup",
            suppression=Suppression(kind="inSource", justification="internal mirror"),
        ),
        make_finding(
            control=MOD,
            location=Location(path="models/old.pkl"),
            message="old.pkl is a pickle",
            asset="models/old.pkl",
            suppression=Suppression(
                kind="external", justification="legacy", expires="2024-01-31", expired=True
            ),
        ),
    ]
    notes = (
        Notification(
            path="dvc.yaml",
            line=3,
            message="could not parse: bad indentation",
            level="error",
            kind="parse-error",
        ),
        Notification(
            path="data/huge.bin",
            message="larger than 5 MiB; skipped",
            level="note",
            kind="too-large",
        ),
    )
    values: dict[str, Any] = {"findings": findings, "notifications": notes}
    values.update(kw)
    return make_result(**values)


def test_findings_grouped_by_file_with_notifications_and_summary() -> None:
    assert text.render(sample()).splitlines() == [
        ".dvc/config",
        "  L12:5  HIGH  MLS-DVC-006  DVC remote 'storage' uses plaintext http://",
        "docker-compose.yml",
        "  L8  CRITICAL  MLS-MLF-001  mlflow server listens on 0.0.0.0 without --app-name "
        "basic-auth",
        "models/model.pkl",
        "  file  MEDIUM  MLS-MOD-001  model.pkl is a pickle",
        "models/old.pkl",
        "  file  MEDIUM  MLS-MOD-001  old.pkl is a pickle  (suppression expired on 2024-01-31)",
        "",
        "Notifications (2)",
        "  NOTE  data/huge.bin  larger than 5 MiB; skipped  [too-large]",
        "  ERROR  dvc.yaml:3  could not parse: bad indentation  [parse-error]",
        "",
        "Summary",
        "  5 findings: 4 active in 4 files, 1 suppressed (not shown), 1 expired suppression",
        "  By severity: critical 1, high 1, medium 2, low 0",
        "  By STRIDE: spoofing 1, tampering 3, repudiation 0, information-disclosure 1, "
        "denial-of-service 0, elevation-of-privilege 3",
        "  Notifications: 2 (error 1, warning 0, note 1)",
    ]


def test_show_suppressed_lists_them_with_their_reason() -> None:
    lines = text.render(sample(), show_suppressed=True).splitlines()
    assert lines[:3] == [
        ".dvc/config",
        "  L12:5  HIGH  MLS-DVC-006  DVC remote 'storage' uses plaintext http://",
        "  L20:1  HIGH  MLS-DVC-006  DVC remote 'backup' has ssl_verify = false"
        "  (suppressed: internal mirror)",
    ]
    assert "  5 findings: 4 active in 4 files, 1 suppressed, 1 expired suppression" in lines


def test_no_findings() -> None:
    assert text.render(make_result()).splitlines() == [
        "No findings.",
        "",
        "Summary",
        "  0 findings: 0 active in 0 files",
        "  By severity: critical 0, high 0, medium 0, low 0",
        "  By STRIDE: spoofing 0, tampering 0, repudiation 0, information-disclosure 0, "
        "denial-of-service 0, elevation-of-privilege 0",
    ]


def test_only_suppressed_findings_say_no_findings_but_count_them() -> None:
    finding = make_finding(suppression=Suppression(kind="external", justification="x"))
    lines = text.render(make_result(findings=[finding])).splitlines()
    assert lines[0] == "No findings."
    assert lines[3] == "  1 finding: 0 active in 0 files, 1 suppressed (not shown)"


def test_finding_without_file_shows_its_logical_location() -> None:
    finding = make_finding(
        location=Location(path=""),
        logical_location="models:/fraud/2",
        message="registry version is not signed",
    )
    lines = text.render(make_result(findings=[finding])).splitlines()
    assert lines[:2] == [
        "(no file)",
        "  file  HIGH  MLS-DVC-006  registry version is not signed [models:/fraud/2]",
    ]


def test_plain_output_has_no_escape_codes_and_no_evidence() -> None:
    out = text.render(sample(), show_suppressed=True)
    assert "\x1b" not in out
    assert "hunter2" not in out


def test_colour_marks_severities() -> None:
    out = text.render(sample(), color=True)
    assert "\x1b[31mHIGH\x1b[0m" in out
    assert "\x1b[1;31mCRITICAL\x1b[0m" in out
    assert "\x1b[33mMEDIUM\x1b[0m" in out
    assert "hunter2" not in out


@pytest.mark.parametrize(
    "env", [{"NO_COLOR": "1"}, {"FORCE_COLOR": "1"}, {"COLUMNS": "20"}, {"TERM": "dumb"}]
)
def test_environment_does_not_change_output(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    plain, coloured = text.render(sample()), text.render(sample(), color=True)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert text.render(sample()) == plain
    assert text.render(sample(), color=True) == coloured


def test_long_lines_are_not_wrapped() -> None:
    finding = make_finding(message="x" * 300)
    lines = text.render(make_result(findings=[finding]), width=40).splitlines()
    assert lines[1] == "  L3:1  HIGH  MLS-DVC-006  " + "x" * 300


def test_markup_and_control_characters_in_scanned_text_are_inert() -> None:
    finding = make_finding(
        location=make_location(path="evil\x1b[2J/[bold]x[/bold].yaml", line=1, col=1),
        message="name \u202egnp.exe and [red]markup[/red] and :smile: end\nnext",
    )
    lines = text.render(make_result(findings=[finding]), color=False).splitlines()
    assert lines[:2] == [
        "evil\\x1b[2J/[bold]x[/bold].yaml",
        "  L1:1  HIGH  MLS-DVC-006  name \\u202egnp.exe and [red]markup[/red] and :smile: "
        "end\\x0anext",
    ]


def test_reordered_input_gives_the_same_text() -> None:
    result = sample()
    reordered = sample(
        findings=list(reversed(result.findings)),
        notifications=tuple(reversed(result.notifications)),
    )
    assert text.render(reordered, color=True) == text.render(result, color=True)


def test_registry_finding_grouped_under_its_logical_location_once() -> None:
    finding = make_finding(
        location=Location(path="models:/credit/3"),
        logical_location="models:/credit/3",
        message="registered model version models:/credit/3 has no signature artifact",
    )
    lines = text.render(make_result(findings=[finding])).splitlines()
    assert lines[:2] == [
        "models:/credit/3",
        "  file  HIGH  MLS-DVC-006  registered model version models:/credit/3 has no "
        "signature artifact",
    ]
