"""The core acceptance checks, end to end through the real CLI on the scenario examples."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from tests.helpers import REPO, run_cli
from tests.reporters.sarif_schema import validate

INSECURE = "examples/sentiment-api/insecure"
HARDENED = "examples/sentiment-api/hardened"


def _dvc_results(log: dict[str, Any], prefix: str) -> list[tuple[str, str, int]]:
    (run,) = log["runs"]
    out = []
    for r in run["results"]:
        if not r["ruleId"].startswith("MLS-DVC-"):
            continue
        loc = r["locations"][0]["physicalLocation"]
        out.append(
            (r["ruleId"], loc["artifactLocation"]["uri"].removeprefix(prefix),
             loc["region"]["startLine"])
        )
    return sorted(out)


def test_insecure_sarif_is_valid_and_points_at_each_dvc_key(tmp_path: Path) -> None:
    out = tmp_path / "out.sarif"
    res = run_cli("scan", INSECURE, "--format", "sarif", "--output", str(out))
    assert res.code == 1, res.err
    log = json.loads(out.read_text(encoding="utf-8"))
    validate(log)
    # URIs are relative to the repository root (code scanning resolves them from there)
    assert _dvc_results(log, INSECURE + "/") == [
        ("MLS-DVC-001", "dvc.lock", 19),
        ("MLS-DVC-002", "dvc.lock", 10),
        ("MLS-DVC-003", "data/lexicon.csv.dvc", 5),
        ("MLS-DVC-004", ".dvc/config", 7),
        ("MLS-DVC-004", ".dvc/config", 8),
        ("MLS-DVC-004", ".dvc/config.local", 3),
        ("MLS-DVC-005", ".dvc/config.local", 1),
        ("MLS-DVC-006", ".dvc/config", 10),
    ]
    # the secret values themselves never reach the output
    text = out.read_text(encoding="utf-8")
    assert "AKIAEXAMPLEFAKE0000" not in text and "EXAMPLEKEY0000" not in text


def test_hardened_has_no_dvc_finding_and_exits_0(tmp_path: Path) -> None:
    out = tmp_path / "out.sarif"
    res = run_cli("scan", HARDENED, "--format", "sarif", "--output", str(out))
    assert res.code == 0, res.err
    log = json.loads(out.read_text(encoding="utf-8"))
    validate(log)
    assert _dvc_results(log, HARDENED + "/") == []


def test_sarif_is_byte_identical_across_runs(tmp_path: Path) -> None:
    a, b = tmp_path / "a.sarif", tmp_path / "b.sarif"
    run_cli("scan", INSECURE, "--format", "sarif", "--output", str(a))
    run_cli("scan", INSECURE, "--format", "sarif", "--output", str(b))
    assert a.read_bytes() == b.read_bytes()


def _copy(tmp_path: Path) -> Path:
    dst = tmp_path / "project"
    shutil.copytree(REPO / INSECURE, dst)
    return dst


def _json(root: Path, *extra: str) -> tuple[int, dict[str, Any], str]:
    res = run_cli("scan", str(root), "--format", "json", *extra)
    return res.code, json.loads(res.out), res.err


def test_malformed_dvc_config_is_a_notification_and_other_findings_remain(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / ".dvc" / "config").write_text("[core\n    remote = storage\n@@@ not ini\n")
    code, doc, _ = _json(root)
    assert code == 1
    notes = [(n["path"], n["kind"]) for n in doc["notifications"] if n["path"] == ".dvc/config"]
    assert notes and all(kind == "parse-error" for _, kind in notes)
    controls = {f["control"] for f in doc["findings"]}
    assert {"MLS-MLF-001", "MLS-DVC-001", "MLS-MOD-002"} <= controls


def test_bad_config_exits_2_with_a_one_line_message(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / ".mlscan.yaml").write_text("fail_on: sometimes\n")
    res = run_cli("scan", str(root))
    assert res.code == 2
    assert "fail_on" in res.err and "expected one of" in res.err
    assert "Traceback" not in res.err and len(res.err.strip().splitlines()) == 1


def test_inline_suppression_and_expired_suppression(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    cfg = root / ".dvc" / "config"
    lines = cfg.read_text().splitlines()
    # line 10 is the http remote url (MLS-DVC-006); suppress it from the line above
    lines.insert(9, '    # mlscan:ignore[MLS-DVC-006] reason="internal mirror behind VPN" '
                    "expires=2999-01-31")
    cfg.write_text("\n".join(lines) + "\n")
    _, doc, _ = _json(root)
    (f,) = [f for f in doc["findings"] if f["control"] == "MLS-DVC-006"]
    assert f["suppressed"] is True
    assert f["suppression"]["justification"] == "internal mirror behind VPN"
    assert f["location"]["start_line"] == 11

    cfg.write_text(cfg.read_text().replace("2999-01-31", "2001-01-31"))
    _, doc, _ = _json(root)
    (f,) = [f for f in doc["findings"] if f["control"] == "MLS-DVC-006"]
    assert f["suppressed"] is False
    assert f["suppression"]["expired"] is True and f["suppression"]["expires"] == "2001-01-31"
    text = run_cli("scan", str(root)).out
    assert "suppression expired on 2001-01-31" in text

    cfg.write_text(cfg.read_text().replace(' reason="internal mirror behind VPN"', ""))
    _, doc, _ = _json(root)
    (f,) = [f for f in doc["findings"] if f["control"] == "MLS-DVC-006"]
    assert f["suppressed"] is False
    assert any("reason is required" in n["message"] for n in doc["notifications"])
