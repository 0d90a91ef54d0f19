from __future__ import annotations

import pytest

from mlscan.models import Location, Notification, Suppression
from mlscan.reporters import github
from tests.factories import make_control, make_finding, make_location, make_result


def test_finding_with_full_region() -> None:
    finding = make_finding(
        location=Location(path=".dvc/config", start_line=12, start_col=5, end_line=12, end_col=30),
        message="DVC remote 'storage' uses plaintext http://",
    )
    assert github.render(make_result(findings=[finding])) == (
        "::error file=.dvc/config,line=12,col=5,endLine=12,endColumn=30,"
        "title=MLS-DVC-006%3A DVC remote over plaintext transport or with TLS verification off"
        "::DVC remote 'storage' uses plaintext http://\n"
    )


def test_file_level_and_line_only_findings() -> None:
    control = make_control(id="MLS-MOD-001", title="Pickle model", severity="medium")
    findings = [
        make_finding(control=control, location=Location(path="models/m.pkl"), message="m"),
        make_finding(location=make_location(path="dvc.yaml", line=4, col=None), message="d"),
    ]
    assert github.render(make_result(findings=findings)).splitlines() == [
        "::error file=dvc.yaml,line=4,title=MLS-DVC-006%3A DVC remote over plaintext transport "
        "or with TLS verification off::d",
        "::warning file=models/m.pkl,title=MLS-MOD-001%3A Pickle model::m",
    ]


@pytest.mark.parametrize(
    ("severity", "command"),
    [("critical", "error"), ("high", "error"), ("medium", "warning"), ("low", "notice")],
)
def test_level_mapping(severity: str, command: str) -> None:
    finding = make_finding(severity=severity, message="m")
    assert github.render(make_result(findings=[finding])).startswith(f"::{command} file=")


def test_data_escaping_of_percent_and_newlines() -> None:
    finding = make_finding(message="100% bad\r\nsecond line\nthird: a, b")
    line = github.render(make_result(findings=[finding]))
    assert line.endswith("::100%25 bad%0D%0Asecond line%0Athird: a, b\n")
    assert line.count("\n") == 1


def test_property_escaping_of_colon_comma_percent_and_newline() -> None:
    control = make_control(id="X-1", title="a: b, c%d\ne")
    finding = make_finding(
        control=control, location=make_location(path="dir,x/a:b%c.yaml"), message="m"
    )
    assert github.render(make_result(findings=[finding])) == (
        "::error file=dir%2Cx/a%3Ab%25c.yaml,line=3,col=1,title=X-1%3A a%3A b%2C c%25d%0Ae::m\n"
    )


def test_escape_helpers() -> None:
    assert github.escape_data("a%b\rc\nd:e,f") == "a%25b%0Dc%0Ad:e,f"
    assert github.escape_property("a%b\rc\nd:e,f") == "a%25b%0Dc%0Ad%3Ae%2Cf"
    # "%3A" in the input must not turn back into ":" for the reader.
    assert github.escape_property("%3A") == "%253A"


def test_suppressed_findings_are_not_emitted_but_expired_ones_are() -> None:
    findings = [
        make_finding(
            asset="a",
            message="suppressed",
            suppression=Suppression(kind="inSource", justification="ok"),
        ),
        make_finding(
            asset="b",
            message="expired",
            location=make_location(line=9),
            suppression=Suppression(
                kind="external", justification="old", expires="2024-01-31", expired=True
            ),
        ),
    ]
    out = github.render(make_result(findings=findings))
    assert "suppressed" not in out
    assert out.splitlines() == [
        "::error file=.dvc/config,line=9,col=1,title=MLS-DVC-006%3A DVC remote over plaintext "
        "transport or with TLS verification off::expired (suppression expired on 2024-01-31)"
    ]


def test_notifications_are_annotations_too() -> None:
    notes = (
        Notification(
            path="dvc.yaml", message="could not parse", line=3, level="error", kind="parse-error"
        ),
        Notification(path="", message="checkov missing", level="note", kind="tool-missing"),
    )
    assert github.render(make_result(notifications=notes)).splitlines() == [
        "::notice title=mlscan tool-missing::checkov missing",
        "::error file=dvc.yaml,line=3,title=mlscan parse-error::could not parse",
    ]


def test_no_evidence_and_deterministic_order() -> None:
    a = make_finding(asset="a", location=make_location(path="b.yaml"), evidence={"k": "SECRET"})
    b = make_finding(asset="b", location=make_location(path="a.yaml"))
    first = github.render(make_result(findings=[a, b]))
    assert first == github.render(make_result(findings=[b, a]))
    assert [line.split(",")[0] for line in first.splitlines()] == [
        "::error file=a.yaml",
        "::error file=b.yaml",
    ]
    assert "SECRET" not in first


def test_empty_result_prints_nothing() -> None:
    assert github.render(make_result()) == ""


def test_undecodable_names_do_not_break_utf8_output() -> None:
    finding = make_finding(location=make_location(path="m/\udcff.pkl"), message="m")
    out = github.render(make_result(findings=[finding]))
    out.encode("utf-8")
    assert "file=m/\\udcff.pkl" in out


def test_impossible_positions_are_left_out() -> None:
    findings = [
        make_finding(asset="a", location=Location(path="a.yaml", start_line=0, start_col=0)),
        make_finding(
            asset="b",
            location=Location(path="b.yaml", start_line=9, start_col=2, end_line=3, end_col=4),
        ),
    ]
    assert [
        line.split(",title=")[0]
        for line in github.render(make_result(findings=findings)).splitlines()
    ] == [
        "::error file=a.yaml",
        "::error file=b.yaml,line=9,col=2",
    ]


def test_registry_finding_is_not_attached_to_a_file() -> None:
    finding = make_finding(
        location=Location(path="models:/credit/3"),
        logical_location="models:/credit/3",
        message="registered model version models:/credit/3 has no signature artifact",
    )
    assert github.render(make_result(findings=[finding])) == (
        "::error title=MLS-DVC-006%3A DVC remote over plaintext transport or with TLS "
        "verification off::registered model version models:/credit/3 has no signature "
        "artifact\n"
    )


def test_logical_location_is_added_when_the_message_lacks_it() -> None:
    finding = make_finding(logical_location="models:/fraud/2", message="not signed")
    assert github.render(make_result(findings=[finding])).endswith(
        "::not signed [models:/fraud/2]\n"
    )
