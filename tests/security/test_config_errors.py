"""Configuration and CLI errors: each names the file, the key and what was expected, and
exits 2 — never an internal error, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlscan.cli.main import main

DEEP = "x: " + "[" * 3000 + "]" * 3000

# (config text, key named in the message, expected-value words in the message)
BAD_CONFIGS = [
    ("fail_on: maybe", "fail_on", "expected one of critical, high, medium, low, never"),
    ("- a", "", "expected a mapping"),
    ("bogus: 1", "bogus", "unknown key; expected one of"),
    ("exclude: 3", "exclude", "expected a list"),
    ("disable: [dvc-1]", "disable", "expected a control id"),
    ("severity: {MLS-DVC-001: huge}", "severity.MLS-DVC-001", "expected one of critical"),
    ("ignore: [{control: MLS-DVC-001, path: x}]", "ignore[0].reason", "expected a string"),
    ("ignore: [{control: MLS-DVC-001, path: x, reason: ' '}]", "ignore[0].reason", "reason"),
    (
        "ignore: [{control: MLS-DVC-001, path: x, reason: r, expires: 2027-13-01}]",
        "ignore[0].expires",
        "expected a date YYYY-MM-DD",
    ),
    ("signing: {trusted_keys: {a: 1}}", "signing.trusted_keys", "expected a list"),
    (
        "signing: {trusted_identities: [{identity: x}]}",
        "signing.trusted_identities[0].issuer",
        "is required; expected a string",
    ),
    ("assets: [{name: x, impact: extreme}]", "assets[0].impact", "expected one of"),
    ("iac: {include_all_checkov: 'yes'}", "iac.include_all_checkov", "expected true or false"),
    ("limits: {bogus: 1}", "limits.bogus", "max_file_size"),
    ("limits: {max_files: -1}", "limits.max_files", "expected a positive"),
    ("limits: {max_files: .inf}", "limits.max_files", "expected a positive"),
    ("limits: {max_file_size: .nan}", "limits.max_file_size", "expected a positive"),
    ("limits: {max_yaml_aliases: big}", "limits.max_yaml_aliases", "expected a positive"),
    ("limits: {model_analysis_timeout: 0}", "limits.model_analysis_timeout", "positive"),
    ("limits: {max_hcl_size: true}", "limits.max_hcl_size", "expected a positive"),
    ("a: [", "", "invalid YAML at line"),
    (DEEP, "", "invalid YAML"),
]


@pytest.mark.parametrize(
    ("text", "key", "expected"), BAD_CONFIGS, ids=[k or t[:12] for t, k, _ in BAD_CONFIGS]
)
def test_bad_config_exits_2_naming_file_key_and_expectation(
    text: str, key: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / ".mlscan.yaml"
    cfg.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["scan", str(tmp_path)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"mlscan: error: {cfg}: "), err
    assert "internal error" not in err and "Traceback" not in err
    assert f": {key}: " in err if key else True, err
    assert expected in err, err
    assert err.count("\n") == 1


def test_bad_pyproject_section(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.mlscan]\nfail_on = "sometimes"\n')
    with pytest.raises(SystemExit) as exc:
        main(["scan", str(tmp_path)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'pyproject.toml'}: fail_on: expected one of" in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["scan", "{root}", "--config", "{root}/missing.yaml"], "file not found"),
        (["scan", "{root}", "--format", "xml"], "Invalid value for '--format'"),
        (["scan", "{root}", "--fail-on", "sometimes"], "Invalid value for '--fail-on'"),
        (["scan", "{root}/does-not-exist"], "does not exist"),
        (["scan", "{root}", "--policy", "{root}/no-policies"], "policy folder not found"),
        (["scan", "{root}", "--baseline", "{root}/nope.sarif"], "--baseline"),
        (["scan", "{root}", "--opa-use-server-policies"], "--opa-url"),
    ],
)
def test_cli_errors_exit_2(
    args: list[str], expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main([a.format(root=tmp_path) for a in args])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert expected in err, err
    assert "internal error" not in err and "Traceback" not in err
