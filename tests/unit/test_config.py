"""Configuration: every key, discovery, and error messages that name the file and key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlscan.config import (
    AssetRule,
    Config,
    IgnoreRule,
    Limits,
    TrustedIdentity,
    find_config,
    load_config,
    parse_config,
)
from mlscan.errors import ConfigError

FULL = """\
fail_on: high
exclude: ["vendor/**", "third_party/"]
policies: [policies/rego]
disable: [MLS-IAC-017]
severity: {MLS-SUP-001: low}
ignore:
  - control: MLS-BKT-003
    path: policies/legacy.json
    reason: "vendor bucket, ticket SEC-12"
    expires: 2027-03-01
  - control: MLS-DVC-002
    path: "configs/*.ini"
    reason: internal mirror
signing:
  trusted_keys: [keys/model-signing.pub]
  trusted_certificates: [keys/ca.pem]
  trusted_identities:
    - identity: "https://github.com/acme/ml/.github/workflows/release.yml@refs/heads/main"
      issuer: "https://token.actions.githubusercontent.com"
  trust_root: keys/trusted_root.json
  required: ["models/**"]
  signatures: {models/a.onnx: sigs/a.sig}
assets:
  - {name: credit-scoring, match: ["models/credit*", "k8s/credit-*"], impact: critical}
  - {name: default-impact, match: "data/*"}
limits:
  max_file_size: 1048576
  max_files: 10
  max_yaml_aliases: 50
  max_nesting_depth: 20
  max_zip_members: 5
  max_zip_ratio: 10
  model_analysis_timeout: 2.5
iac:
  include_all_checkov: true
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_every_key_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path, ".mlscan.yaml", FULL)
    cfg = load_config(path)
    assert cfg.path == str(path)
    assert cfg.fail_on == "high"
    assert cfg.exclude == ("vendor/**", "third_party/")
    assert cfg.policies == ("policies/rego",)
    assert cfg.disable == ("MLS-IAC-017",)
    assert cfg.severity == {"MLS-SUP-001": "low"}
    assert cfg.ignore == (
        IgnoreRule(
            control="MLS-BKT-003",
            path="policies/legacy.json",
            reason="vendor bucket, ticket SEC-12",
            expires="2027-03-01",
        ),
        IgnoreRule(control="MLS-DVC-002", path="configs/*.ini", reason="internal mirror"),
    )
    assert cfg.signing.trusted_keys == ("keys/model-signing.pub",)
    assert cfg.signing.trusted_certificates == ("keys/ca.pem",)
    assert cfg.signing.trusted_identities == (
        TrustedIdentity(
            identity="https://github.com/acme/ml/.github/workflows/release.yml@refs/heads/main",
            issuer="https://token.actions.githubusercontent.com",
        ),
    )
    assert cfg.signing.trust_root == "keys/trusted_root.json"
    assert cfg.signing.required == ("models/**",)
    assert cfg.signing.signatures == {"models/a.onnx": "sigs/a.sig"}
    assert cfg.assets == (
        AssetRule(
            name="credit-scoring", match=("models/credit*", "k8s/credit-*"), impact="critical"
        ),
        AssetRule(name="default-impact", match=("data/*",), impact="medium"),
    )
    assert cfg.limits == Limits(
        max_file_size=1048576,
        max_files=10,
        max_yaml_aliases=50,
        max_nesting_depth=20,
        max_zip_members=5,
        max_zip_ratio=10,
        model_analysis_timeout=2.5,
    )
    assert isinstance(cfg.limits.model_analysis_timeout, float)
    assert cfg.iac.include_all_checkov is True


def test_defaults_without_a_file(tmp_path: Path) -> None:
    assert load_config(None, root=tmp_path) == Config()
    assert load_config(None) == Config()
    cfg = load_config(_write(tmp_path, "empty.yaml", "# nothing\n"))
    assert cfg.fail_on == "medium"
    assert cfg.limits == Limits()
    assert cfg.path == str(tmp_path / "empty.yaml")


def test_discovery_prefers_mlscan_yaml_then_yml_then_pyproject(tmp_path: Path) -> None:
    assert find_config(tmp_path) is None
    _write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n')
    assert find_config(tmp_path) is None  # no [tool.mlscan]
    _write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n[tool.mlscan]\nfail_on = "low"\n')
    assert find_config(tmp_path) == tmp_path / "pyproject.toml"
    assert load_config(None, root=tmp_path).fail_on == "low"
    _write(tmp_path, ".mlscan.yml", "fail_on: critical\n")
    assert find_config(tmp_path) == tmp_path / ".mlscan.yml"
    assert load_config(None, root=tmp_path).fail_on == "critical"
    _write(tmp_path, ".mlscan.yaml", "fail_on: never\n")
    assert find_config(tmp_path) == tmp_path / ".mlscan.yaml"
    assert load_config(None, root=tmp_path).fail_on == "never"


def test_pyproject_tool_mlscan_with_toml_dates(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "pyproject.toml",
        "[tool.mlscan]\n"
        'exclude = ["vendor/**"]\n'
        "[[tool.mlscan.ignore]]\n"
        'control = "MLS-BKT-003"\n'
        'path = "p.json"\n'
        'reason = "vendor"\n'
        "expires = 2027-03-01\n"
        "[tool.mlscan.limits]\n"
        "max_files = 7\n",
    )
    cfg = load_config(path)
    assert cfg.exclude == ("vendor/**",)
    assert cfg.ignore[0].expires == "2027-03-01"
    assert cfg.limits.max_files == 7


def test_broken_pyproject_with_tool_mlscan_is_a_clear_error(tmp_path: Path) -> None:
    # a TOML error must not silently drop the user's [tool.mlscan] settings
    path = _write(tmp_path, "pyproject.toml", '[tool.mlscan]\nfail_on = "low\n')
    with pytest.raises(ConfigError) as err:
        find_config(tmp_path)
    assert str(err.value).startswith(f"{path}: invalid TOML, so [tool.mlscan] cannot be read")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value).startswith(f"{path}: invalid TOML")


def test_broken_pyproject_without_mlscan_is_not_a_config(tmp_path: Path) -> None:
    _write(tmp_path, "pyproject.toml", '[project\nname = "x"\n')
    assert find_config(tmp_path) is None


def test_pyproject_without_tool_table_gives_defaults(tmp_path: Path) -> None:
    path = _write(tmp_path, "pyproject.toml", 'tool = "not a table"\n')
    assert load_config(path) == Config(path=str(path))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2027-01-31", "2027-01-31"),
        ("'2027-01-31'", "2027-01-31"),
        ("2027-01-31 10:30:00", "2027-01-31"),
        ("2027-01-31T10:30:00Z", "2027-01-31"),
    ],
)
def test_expires_dates(tmp_path: Path, value: str, expected: str) -> None:
    text = f"ignore:\n  - {{control: MLS-A-1, path: x, reason: r, expires: {value}}}\n"
    cfg = load_config(_write(tmp_path, "c.yaml", text))
    assert cfg.ignore[0].expires == expected
    # the stored value is always a date findings can compare
    assert dt.date.fromisoformat(cfg.ignore[0].expires or "") == dt.date(2027, 1, 31)


def _error(raw: Any) -> ConfigError:
    with pytest.raises(ConfigError) as err:
        parse_config(raw, "conf.yaml")
    assert err.value.path == "conf.yaml"
    assert "\n" not in str(err.value)
    return err.value


@pytest.mark.parametrize(
    ("raw", "key", "fragment"),
    [
        ({"fail_on": "urgent"}, "fail_on", "expected one of critical, high, medium, low, never"),
        ({"failon": "high"}, "failon", "unknown key"),
        ({"exclude": 3}, "exclude", "expected a list"),
        ({"exclude": ["ok", 3]}, "exclude", "expected a string"),
        ({"policies": {"a": 1}}, "policies", "expected a list"),
        ({"disable": ["mls-dvc-001"]}, "disable", "expected a control id"),
        ({"disable": "MLS-DVC-001"}, "disable", "expected a list"),
        ({"severity": ["x"]}, "severity", "expected a mapping"),
        ({"severity": {"NOPE": "low"}}, "severity", "expected a control id"),
        ({"severity": {"MLS-A-1": "urgent"}}, "severity.MLS-A-1", "expected one of"),
        ({"ignore": {"a": 1}}, "ignore", "expected a list"),
        ({"ignore": ["x"]}, "ignore[0]", "expected a mapping"),
        (
            {"ignore": [{"control": "MLS-A-1", "path": "p", "reason": "r", "until": "x"}]},
            "ignore[0].until",
            "unknown key",
        ),
        ({"ignore": [{"control": "MLS-A-1", "path": "p"}]}, "ignore[0].reason", "is required"),
        (
            {"ignore": [{"control": "MLS-A-1", "path": "p", "reason": "  "}]},
            "ignore[0].reason",
            "a reason is required",
        ),
        ({"ignore": [{"path": "p", "reason": "r"}]}, "ignore[0].control", "control id"),
        ({"ignore": [{"control": "MLS-A-1", "reason": "r"}]}, "ignore[0].path", "is required"),
        (
            {"ignore": [{"control": "MLS-A-1", "path": "p", "reason": "r", "expires": "soon"}]},
            "ignore[0].expires",
            "expected a date YYYY-MM-DD",
        ),
        (
            {"ignore": [{"control": "MLS-A-1", "path": "p", "reason": "r", "expires": 20270101}]},
            "ignore[0].expires",
            "expected a date YYYY-MM-DD",
        ),
        ({"signing": []}, "signing", "expected a mapping"),
        ({"signing": {"keys": []}}, "signing.keys", "unknown key"),
        ({"signing": {"trusted_keys": [1]}}, "signing.trusted_keys", "expected a string"),
        (
            {"signing": {"trusted_identities": [{"identity": "i"}]}},
            "signing.trusted_identities[0].issuer",
            "is required",
        ),
        (
            {"signing": {"trusted_identities": [{"identity": "i", "issuer": "j", "x": 1}]}},
            "signing.trusted_identities[0].x",
            "unknown key",
        ),
        ({"signing": {"trust_root": 5}}, "signing.trust_root", "expected a string"),
        ({"signing": {"signatures": {"m": 3}}}, "signing.signatures.m", "expected a string"),
        ({"signing": {"required": [None]}}, "signing.required", "expected a string"),
        ({"assets": [{"match": ["a"]}]}, "assets[0].name", "is required"),
        ({"assets": [{"name": "a", "impact": "huge"}]}, "assets[0].impact", "expected one of"),
        ({"assets": [{"name": "a", "owner": "b"}]}, "assets[0].owner", "unknown key"),
        ({"limits": {"max_files": 0}}, "limits.max_files", "positive"),
        ({"limits": {"max_files": "10"}}, "limits.max_files", "positive"),
        ({"limits": {"max_files": True}}, "limits.max_files", "positive"),
        ({"limits": {"max_files": 1.5}}, "limits.max_files", "whole number"),
        ({"limits": {"max_file_size": float("inf")}}, "limits.max_file_size", "positive"),
        ({"limits": {"max_file_size": float("nan")}}, "limits.max_file_size", "positive"),
        (
            {"limits": {"model_analysis_timeout": float("inf")}},
            "limits.model_analysis_timeout",
            "positive",
        ),
        ({"limits": {"max_memory": 1}}, "limits.max_memory", "unknown key"),
        ({"iac": {"include_all_checkov": "yes"}}, "iac.include_all_checkov", "true or false"),
        ({"iac": {"checkov": True}}, "iac.checkov", "unknown key"),
    ],
)
def test_validation_errors_name_file_and_key(raw: Any, key: str, fragment: str) -> None:
    err = _error(raw)
    assert err.key == key
    assert str(err).startswith(f"conf.yaml: {key}: ")
    assert fragment in str(err)


def test_top_level_must_be_a_mapping() -> None:
    err = _error(["fail_on", "high"])
    assert str(err) == "conf.yaml: expected a mapping, got list"


def test_unknown_top_level_key_lists_the_allowed_keys() -> None:
    err = _error({"fail-on": "high"})
    assert "fail_on" in str(err) and "exclude" in str(err)


def test_bad_yaml_reports_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, ".mlscan.yaml", "fail_on: high\nexclude: [a, b\ndisable: []\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == f"{path}: invalid YAML at line 3; fix the syntax"


def test_impossible_yaml_date_is_a_config_error(tmp_path: Path) -> None:
    text = "ignore:\n  - {control: MLS-A-1, path: x, reason: r, expires: 2027-02-30}\n"
    path = _write(tmp_path, ".mlscan.yaml", text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    # either the YAML loader or the date check rejects it; the message names the file
    assert str(err.value).startswith(f"{path}: ")
    assert "invalid YAML value" in str(err.value) or "expires" in str(err.value)


def test_unknown_key_in_file_names_file_and_key(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.yaml", "fail_on: high\nseverities: {}\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value).startswith(f"{path}: severities: unknown key")


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path / "nope.yaml")
    assert "file not found" in str(err.value)
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(b"fail_on: \xe9\n")
    with pytest.raises(ConfigError) as err:
        load_config(bad)
    assert str(err.value).startswith(f"{bad}: cannot be read")


def test_single_strings_are_accepted_for_lists() -> None:
    cfg = parse_config({"exclude": "vendor/**", "policies": "p"})
    assert cfg.exclude == ("vendor/**",)
    assert cfg.policies == ("p",)


def test_null_sections_mean_defaults() -> None:
    cfg = parse_config({"signing": None, "limits": None, "ignore": None, "iac": None})
    assert cfg.signing.trusted_keys == ()
    assert cfg.limits == Limits()


_config_keys = st.sampled_from(
    [
        *("fail_on", "exclude", "policies", "disable", "severity", "ignore", "signing"),
        *("assets", "limits", "iac", "control", "path", "reason", "expires", "required"),
        *("trusted_keys", "trusted_identities", "identity", "issuer", "trust_root"),
        *("signatures", "name", "match", "impact", "max_files", "model_analysis_timeout"),
        *("include_all_checkov", "MLS-A-1", "high"),
    ]
)
_config_leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=8)
    | st.dates()
    | st.datetimes()
    | st.sampled_from(["high", "MLS-A-1", "2027-01-01", "x/*"])
)
_config_values = st.recursive(
    _config_leaves,
    lambda c: (
        st.lists(c, max_size=3)
        | st.dictionaries(_config_keys | st.text(max_size=3) | st.integers(), c, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.dictionaries(_config_keys, _config_values, max_size=5))
def test_property_any_parsed_yaml_or_toml_gives_a_config_or_a_config_error(raw: Any) -> None:
    try:
        cfg = parse_config(raw, "p.yaml")
    except ConfigError as err:
        assert str(err).startswith("p.yaml: ")
        assert "\n" not in str(err)
    else:
        assert cfg.fail_on in ("critical", "high", "medium", "low", "never")
        for rule in cfg.ignore:
            assert rule.expires is None or dt.date.fromisoformat(rule.expires)
