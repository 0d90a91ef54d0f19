"""Inline suppression comments: syntax, where they apply, and rejected comments."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlscan.suppressions import InlineSuppression, parse_suppressions


def _one(text: str, path: str = "f.yaml") -> InlineSuppression:
    index, notes = parse_suppressions({path: text})
    assert notes == []
    (sup,) = index[path]
    return sup


def test_same_line_suppression() -> None:
    text = (
        "remotes:\n"
        '  url: http://mirror  # mlscan:ignore[MLS-DVC-002] reason="internal mirror behind VPN"'
        " expires=2027-01-31\n"
    )
    sup = _one(text)
    assert sup == InlineSuppression(
        path="f.yaml",
        line=2,
        applies_to=(2,),
        control_ids=("MLS-DVC-002",),
        reason="internal mirror behind VPN",
        expires="2027-01-31",
    )


def test_line_above_suppression_covers_the_next_line() -> None:
    text = "a: 1\n    # mlscan:ignore[MLS-DVC-002] reason='vendor'\nurl: x\n"
    sup = _one(text)
    assert sup.line == 2
    assert sup.applies_to == (2, 3)
    assert sup.reason == "vendor"
    assert sup.expires is None


def test_stacked_comments_above_one_line_all_cover_it() -> None:
    text = '# mlscan:ignore[MLS-A-1] reason="a"\n# mlscan:ignore[MLS-B-2] reason="b"\nkey: value\n'
    index, notes = parse_suppressions({"f.yaml": text})
    assert notes == []
    assert [(s.control_ids, s.applies_to) for s in index["f.yaml"]] == [
        (("MLS-A-1",), (1, 3)),
        (("MLS-B-2",), (2, 3)),
    ]


@pytest.mark.parametrize(
    ("line", "path"),
    [
        ('url = x  ; mlscan:ignore[MLS-DVC-002] reason="ini comment"', ".dvc/config"),
        ('resource "x" {} // mlscan:ignore[MLS-DVC-002] reason="hcl comment"', "main.tf"),
        ('SELECT 1; -- mlscan:ignore[MLS-DVC-002] reason="sql comment"', "q.sql"),
        ('x = 1 /* mlscan:ignore[MLS-DVC-002] reason="c comment" */', "a.c"),
        ('FROM python  # MLSCAN:IGNORE[MLS-DVC-002] reason="upper case"', "Dockerfile"),
    ],
)
def test_comment_leaders(line: str, path: str) -> None:
    sup = _one("first\n" + line + "\n", path)
    assert sup.line == 2 and sup.applies_to == (2,) and sup.path == path
    assert sup.control_ids == ("MLS-DVC-002",)


def test_several_ids() -> None:
    sup = _one('x: 1 # mlscan:ignore[MLS-DVC-002, MLS-DVC-004 ,MLS-MLF-001] reason="r"\n')
    assert sup.control_ids == ("MLS-DVC-002", "MLS-DVC-004", "MLS-MLF-001")


def test_quoted_expires_and_reason_with_spaces_and_expires_word() -> None:
    sup = _one(
        'x: 1 # mlscan:ignore[MLS-A-1] reason="renew when expires=soon happens" '
        'expires="2027-02-01"\n'
    )
    assert sup.reason == "renew when expires=soon happens"
    assert sup.expires == "2027-02-01"
    sup = _one('x: 1 # mlscan:ignore[MLS-A-1] reason="until expires=never"\n')
    assert sup.expires is None


@pytest.mark.parametrize(
    ("comment", "fragment"),
    [
        ("# mlscan:ignore[MLS-DVC-002]", "a reason is required"),
        ('# mlscan:ignore[MLS-DVC-002] reason=""', "a reason is required"),
        ('# mlscan:ignore[MLS-DVC-002] reason="   "', "a reason is required"),
        ("# mlscan:ignore[MLS-DVC-002] reason=unquoted", "a reason is required"),
        ('# mlscan:ignore[MLS-DVC-002] reason="r" expires=2027-13-01', "expires=2027-13-01"),
        ('# mlscan:ignore[MLS-DVC-002] reason="r" expires=tomorrow', "not a date YYYY-MM-DD"),
        ('# mlscan:ignore[mls-dvc-002] reason="r"', "list control ids"),
        ('# mlscan:ignore[MLS-DVC-002, nope] reason="r"', "list control ids"),
        ('# mlscan:ignore[] reason="r"', "list control ids"),
        ('# mlscan:ignore MLS-DVC-002 reason="r"', "write it as a comment"),
    ],
)
def test_rejected_comments_become_notifications(comment: str, fragment: str) -> None:
    index, notes = parse_suppressions({"cfg/a.yaml": "a: 1\nb: 2  " + comment + "\n"})
    assert index == {}
    (note,) = notes
    assert note.path == "cfg/a.yaml"
    assert note.line == 2
    assert note.kind == "suppression" and note.source == "suppressions"
    assert note.level == "warning"
    assert fragment in note.message


def test_line_numbers_follow_crlf_and_ignore_form_feeds() -> None:
    text = 'a: 1\r\nb: "\x0c"\r\nc: 3 # mlscan:ignore[MLS-A-1] reason="r"\r\n'
    sup = _one(text)
    assert sup.line == 3


def test_files_without_markers_and_ordering() -> None:
    texts = {
        "z.yaml": 'a: 1 # mlscan:ignore[MLS-A-1] reason="z"\n',
        "a.yaml": "nothing here\n",
        "b.yaml": '# mlscan:ignore[MLS-A-1] reason="b"\nx: 1\n',
    }
    index, notes = parse_suppressions(texts)
    assert notes == []
    assert sorted(index) == ["b.yaml", "z.yaml"]
    assert list(index) == ["b.yaml", "z.yaml"]  # deterministic: files in sorted order


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(
        alphabet=st.sampled_from(
            list("#/;-*mlscan:ignore[]MLS-A1, reason=\"'expires2027-01\n\r x")
        ),
        max_size=120,
    )
)
def test_property_any_text_parses_without_raising(text: str) -> None:
    index, notes = parse_suppressions({"f.yaml": text})
    for sup in index.get("f.yaml", []):
        assert sup.reason.strip()
        assert sup.line in sup.applies_to
        assert all(line >= sup.line for line in sup.applies_to)
    assert all(n.line is not None and n.line >= 1 for n in notes)
