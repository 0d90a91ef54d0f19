"""The control catalogue read from Rego METADATA: parsing and every rejection."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlscan.controls import load_policy_set, metadata_block
from mlscan.errors import PolicyError
from mlscan.models import Control

CUSTOM = """\
#   id: MLS-TST-001
#   severity: high
#   stride: [tampering, information-disclosure]
#   linddun: [data-disclosure]
#   atlas: [AML.T0010, AML.M0013, AML.T0010.001]
#   owasp_ml: [ML06, ML10]
#   cwe: [798, CWE-522]
#   references: ["https://example.invalid/a"]
#   remediation: Fix it.
"""

BODY = """
import rego.v1

deny contains v if {
	some r in input.tst.items
	v := {"msg": r.name, "loc": r.loc, "asset": r.name}
}
"""


def control_text(
    package: str = "mlscan.controls.tst.one",
    custom: str = CUSTOM,
    title: str = "# title: A test control\n",
    extra: str = "",
) -> str:
    return (
        "# METADATA\n"
        + title
        + "# description: What goes wrong.\n"
        + extra
        + "# custom:\n"
        + custom
        + f"package {package}\n"
        + BODY
    )


def write(root: Path, rel: str, text: str) -> Path:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def load(root: Path) -> tuple[Control, ...]:
    return load_policy_set([root], include_builtin=False).controls


def test_metadata_is_parsed_into_a_control(tmp_path: Path) -> None:
    p = write(tmp_path, "tst/one.rego", control_text())
    (c,) = load(tmp_path)
    assert c.id == "MLS-TST-001"
    assert c.title == "A test control"
    assert c.description == "What goes wrong."
    assert c.severity == "high"
    assert c.stride == ("tampering", "information-disclosure")
    assert c.linddun == ("data-disclosure",)
    assert c.atlas == ("AML.T0010", "AML.M0013", "AML.T0010.001")
    assert c.owasp_ml == ("ML06", "ML10")
    assert c.cwe == (798, 522)
    assert c.references == ("https://example.invalid/a",)
    assert c.remediation == "Fix it."
    assert c.package == "mlscan.controls.tst.one"
    assert c.source == p.as_posix()
    assert c.builtin is False
    assert c.help_uri == ""  # only built-in controls link to docs/controls.md
    assert c.precision == "high"
    assert c.name == "ATestControl"


def test_related_resources_and_scalar_lists(tmp_path: Path) -> None:
    custom = "#   id: MLS-TST-002\n#   severity: low\n#   stride: spoofing\n#   cwe: 20\n"
    extra = "# related_resources:\n#   - ref: https://example.invalid/r\n#   - {}\n"
    write(tmp_path, "a.rego", control_text(custom=custom, extra=extra))
    (c,) = load(tmp_path)
    assert c.stride == ("spoofing",)
    assert c.cwe == (20,)
    assert c.references == ("https://example.invalid/r",)


def test_privacy_control_may_have_linddun_only(tmp_path: Path) -> None:
    custom = "#   id: MLS-PRV-001\n#   severity: medium\n#   linddun: [identifying]\n"
    write(tmp_path, "a.rego", control_text(custom=custom))
    (c,) = load(tmp_path)
    assert c.stride == () and c.linddun == ("identifying",)


def test_helper_and_test_packages_are_not_controls(tmp_path: Path) -> None:
    write(tmp_path, "lib/util.rego", "package mlscan.lib.util\n\nimport rego.v1\n\nx := 1\n")
    write(tmp_path, "tst/one.rego", control_text())
    write(
        tmp_path,
        "tst/one_test.rego",
        "package mlscan.controls.tst.one\n\nimport rego.v1\n\ntest_x if { true }\n",
    )
    ps = load_policy_set([tmp_path], include_builtin=False)
    assert [c.id for c in ps.controls] == ["MLS-TST-001"]
    assert sorted(f.package for f in ps.files) == ["mlscan.controls.tst.one", "mlscan.lib.util"]
    with_tests = load_policy_set([tmp_path], include_builtin=False, include_tests=True)
    assert [f.is_test for f in sorted(with_tests.files, key=lambda f: f.shown)] == [
        False,
        False,
        True,
    ]
    assert [c.id for c in with_tests.controls] == ["MLS-TST-001"]


def test_controls_sorted_by_id_and_lookups(tmp_path: Path) -> None:
    write(tmp_path, "a.rego", control_text("mlscan.controls.a", CUSTOM.replace("001", "009")))
    write(tmp_path, "b.rego", control_text("mlscan.controls.b"))
    ps = load_policy_set([tmp_path], include_builtin=False)
    assert [c.id for c in ps.controls] == ["MLS-TST-001", "MLS-TST-009"]
    assert ps.by_id["MLS-TST-009"].package == "mlscan.controls.a"
    assert ps.by_package["mlscan.controls.b"].id == "MLS-TST-001"


def test_policy_hash_changes_with_sources_only(tmp_path: Path) -> None:
    p = write(tmp_path, "a.rego", control_text())
    h1 = load_policy_set([tmp_path], include_builtin=False).policy_hash()
    assert h1 == load_policy_set([tmp_path], include_builtin=False).policy_hash()
    write(tmp_path, "a_test.rego", "package mlscan.controls.tst.one\n")
    assert (
        load_policy_set([tmp_path], include_builtin=False, include_tests=True).policy_hash() == h1
    )
    p.write_text(control_text() + "\n# changed\n", encoding="utf-8")
    assert load_policy_set([tmp_path], include_builtin=False).policy_hash() != h1


def test_package_line_may_carry_a_comment(tmp_path: Path) -> None:
    write(tmp_path, "a.rego", control_text("mlscan.controls.tst.one  # the package"))
    (c,) = load(tmp_path)
    assert c.package == "mlscan.controls.tst.one"


def _policy_error(tmp_path: Path, text: str) -> PolicyError:
    p = write(tmp_path, "tst/bad.rego", text)
    with pytest.raises(PolicyError) as err:
        load(tmp_path)
    assert err.value.path == p.as_posix()
    assert str(err.value).startswith(f"policy {p.as_posix()}")
    assert "\n" not in str(err.value)
    return err.value


# a METADATA problem points at the "# METADATA" line (line 1 here)
@pytest.mark.parametrize(
    ("custom", "line", "fragment"),
    [
        ("#   severity: high\n#   stride: [tampering]\n", 1, "custom.id missing"),
        ("#   id: tst-1\n#   severity: high\n#   stride: [tampering]\n", 1, "custom.id"),
        ("#   id: MLS-TST-001\n#   stride: [tampering]\n", 1, "custom.severity must be one of"),
        ("#   id: MLS-TST-001\n#   severity: severe\n#   stride: [x]\n", 1, "custom.severity"),
        ("#   id: MLS-TST-001\n#   severity: high\n", 1, "at least one STRIDE category"),
        ("#   id: MLS-TST-001\n#   severity: high\n#   stride: []\n", 1, "at least one STRIDE"),
        (
            "#   id: MLS-TST-001\n#   severity: high\n#   stride: [tampering, spoof]\n",
            1,
            "unknown STRIDE category 'spoof'",
        ),
        (
            "#   id: MLS-TST-001\n#   severity: high\n#   stride: {a: 1}\n",
            1,
            "custom.stride must be a list",
        ),
        (
            "#   id: MLS-TST-001\n#   severity: high\n#   stride: [tampering]\n"
            "#   linddun: [linkable]\n",
            1,
            "unknown LINDDUN category 'linkable'",
        ),
        (
            "#   id: MLS-TST-001\n#   severity: high\n#   stride: [tampering]\n"
            "#   atlas: [T0010]\n",
            1,
            "ATLAS id 'T0010'",
        ),
        (
            "#   id: MLS-TST-001\n#   severity: high\n#   stride: [tampering]\n"
            "#   atlas: [AML.T10]\n",
            1,
            "ATLAS id 'AML.T10'",
        ),
        (
            "#   id: MLS-TST-001\n#   severity: high\n#   stride: [tampering]\n"
            "#   owasp_ml: [ML11]\n",
            1,
            "OWASP ML Top 10 id 'ML11'",
        ),
        (
            "#   id: MLS-TST-001\n#   severity: high\n#   stride: [tampering]\n"
            "#   owasp_ml: [LLM01]\n",
            1,
            "OWASP ML Top 10 id 'LLM01'",
        ),
        (
            "#   id: MLS-TST-001\n#   severity: high\n#   stride: [tampering]\n#   cwe: [abc]\n",
            1,
            "CWE 'abc' must be a number",
        ),
        (
            "#   id: MLS-TST-001\n#   severity: high\n#   stride: [tampering]\n"
            "#   precision: perfect\n",
            1,
            "custom.precision",
        ),
    ],
)
def test_bad_metadata_is_a_policy_error_with_line(
    tmp_path: Path, custom: str, line: int, fragment: str
) -> None:
    err = _policy_error(tmp_path, control_text(custom=custom))
    assert err.line == line
    assert fragment in str(err)


def test_missing_title(tmp_path: Path) -> None:
    err = _policy_error(tmp_path, control_text(title=""))
    assert "needs a 'title'" in str(err) and err.line == 1


def test_missing_custom(tmp_path: Path) -> None:
    text = "# METADATA\n# title: T\npackage mlscan.controls.tst.bad\n"
    err = _policy_error(tmp_path, text)
    assert "needs a 'custom' mapping" in str(err) and err.line == 1


def test_missing_metadata(tmp_path: Path) -> None:
    err = _policy_error(tmp_path, "package mlscan.controls.tst.bad\n\nimport rego.v1\n")
    assert "no '# METADATA' block" in str(err)


def test_metadata_not_directly_above_package(tmp_path: Path) -> None:
    text = control_text().replace("package mlscan", "\npackage mlscan")
    err = _policy_error(tmp_path, text)
    assert "no '# METADATA' block directly above 'package'" in str(err)


def test_no_package_declaration(tmp_path: Path) -> None:
    err = _policy_error(tmp_path, "# just a comment\nx := 1\n")
    assert "no 'package' declaration" in str(err)


def test_metadata_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    custom = "#   id: MLS-TST-001\n#   severity: [high\n#   stride: [tampering]\n"
    err = _policy_error(tmp_path, control_text(custom=custom))
    assert "METADATA is not valid YAML" in str(err)
    assert err.line == 7


def test_metadata_yaml_bad_value_is_a_policy_error(tmp_path: Path) -> None:
    extra = "# date: 2027-02-30\n"
    err = _policy_error(tmp_path, control_text(extra=extra))
    assert "METADATA has a bad value" in str(err)


def test_metadata_must_be_a_mapping(tmp_path: Path) -> None:
    text = "# METADATA\n# - a\n# - b\npackage mlscan.controls.tst.bad\n"
    err = _policy_error(tmp_path, text)
    assert "METADATA must be a mapping" in str(err) and err.line == 1


def test_duplicate_control_id_names_both_files_and_the_id_line(tmp_path: Path) -> None:
    first = write(tmp_path, "a/one.rego", control_text("mlscan.controls.a.one"))
    # "Invalid:" in the title contains "id:" and must not be taken for the id line
    second = write(
        tmp_path,
        "b/two.rego",
        control_text("mlscan.controls.b.two", title="# title: 'Invalid: a second one'\n"),
    )
    with pytest.raises(PolicyError) as err:
        load(tmp_path)
    assert err.value.path == second.as_posix()
    assert err.value.line == 5
    assert f"control id MLS-TST-001 is already used by {first.as_posix()}" in str(err.value)


def test_duplicate_package_is_an_error(tmp_path: Path) -> None:
    first = write(tmp_path, "a.rego", control_text())
    second = write(tmp_path, "b.rego", control_text(custom=CUSTOM.replace("001", "002")))
    with pytest.raises(PolicyError) as err:
        load(tmp_path)
    assert err.value.path == second.as_posix()
    assert f"package mlscan.controls.tst.one is already defined in {first.as_posix()}" in str(
        err.value
    )


def test_missing_policy_folder(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as err:
        load_policy_set([tmp_path / "nope"], include_builtin=False)
    assert "policy folder not found" in str(err.value)


def test_unreadable_policy_file(tmp_path: Path) -> None:
    (tmp_path / "bad.rego").write_bytes(b"package mlscan.controls.x\n# \xff\n")
    with pytest.raises(PolicyError) as err:
        load(tmp_path)
    assert "cannot be read" in str(err.value)


def test_metadata_block_helper() -> None:
    found = metadata_block("x := 1\n" + control_text())
    assert found is not None
    meta, line = found
    assert line == 2
    assert meta["custom"]["id"] == "MLS-TST-001"
    assert metadata_block("package a\n") is None


def test_builtin_catalogue_loads(tmp_path: Path) -> None:
    ps = load_policy_set()
    ids = [c.id for c in ps.controls]
    assert ids == sorted(ids)
    assert all(c.builtin and c.source.startswith("rego/") for c in ps.controls)
    assert all(c.help_uri.endswith("#" + c.id.lower()) for c in ps.controls)
