"""Matching and scoring logic of benchmarks/accuracy/score.py on a tiny synthetic oracle.

No network, no real trees, no scan: findings are built by hand."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "accuracy_score", REPO / "benchmarks" / "accuracy" / "score.py"
    )
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["accuracy_score"] = mod
    spec.loader.exec_module(mod)
    return mod


score = _load()

ORACLE: dict[str, Any] = {
    "schema": "mlscan-accuracy-oracle/1",
    "repos": [
        {
            "repo": "acme/ml-stack",
            "commit": "0" * 40,
            "expected": [
                {
                    "id": "open-server",
                    "controls": ["MLS-MLF-001"],
                    "severity": "critical",
                    "family": "mlflow",
                    "where": [{"path": "compose.yml", "lines": [10, 14]}],
                    "why": "tracking server on all interfaces without auth",
                    "class": "miss-server-forms",
                },
                {
                    "id": "store-keys",
                    "controls": ["MLS-MLF-004", "MLS-SEC-001"],
                    "severity": "high",
                    "family": "secrets",
                    "where": [
                        {"path": "compose.yml", "lines": [20, 21]},
                        {"path": "jobs/run.py", "lines": [3, 4]},
                    ],
                    "why": "object-store key pair in two places",
                },
                {
                    "id": "pickle-model",
                    "controls": ["MLS-MOD-001"],
                    "severity": "medium",
                    "family": "model-files",
                    "where": [{"path": "models/clf.pkl", "lines": None}],
                    "why": "committed pickle",
                },
                {
                    "id": "no-versioning",
                    "controls": ["MLS-BKT-004"],
                    "severity": "high",
                    "family": "iac",
                    "where": [{"path": "infra/s3.tf", "lines": [1, 6]}],
                    "why": "model bucket without versioning",
                    "class": "miss-server-forms",
                },
            ],
            "false": [
                {
                    "control": "MLS-ROB-002",
                    "path": "hooks/notify.py",
                    "line": 8,
                    "family": "serving",
                    "why": "not a model server",
                    "class": "fp-handlers",
                },
                {
                    "control": "MLS-SIG-001",
                    "path": "models/clf.pkl",
                    "line": None,
                    "family": "model-files",
                    "why": "no value",
                },
            ],
            "wrong_location": [
                {
                    "control": "MLS-MLF-001",
                    "path": "Dockerfile",
                    "line": 9,
                    "family": "mlflow",
                    "why": "the image default is overridden",
                },
            ],
        },
        {"repo": "acme/clean", "commit": "1" * 40, "expected": [], "false": []},
    ],
}


def F(control: str, path: str, line: int | None, severity: str = "high") -> Any:
    return score.Finding(control=control, severity=severity, path=path, line=line)


@pytest.fixture()
def oracles() -> list[Any]:
    return list(score.load_oracle(ORACLE))


def test_tree_name_joins_owner_and_name() -> None:
    assert score.tree_name("acme/ml-stack") == "acme__ml-stack"


def test_finding_inside_range_is_true_and_outside_is_unjudged(oracles: list[Any]) -> None:
    s = score.score_repo(
        oracles[0], [F("MLS-MLF-001", "compose.yml", 14), F("MLS-MLF-001", "compose.yml", 15)]
    )
    assert [(f.path, f.line) for f, _ in s.true_positives] == [("compose.yml", 14)]
    assert [(u.control, u.path, u.line) for u in s.unjudged] == [("MLS-MLF-001", "compose.yml", 15)]
    assert list(s.found) == ["open-server"]


def test_control_must_be_listed(oracles: list[Any]) -> None:
    s = score.score_repo(oracles[0], [F("MLS-MLF-005", "compose.yml", 12)])
    assert s.found == {}
    assert [(u.control, u.line) for u in s.unjudged] == [("MLS-MLF-005", 12)]


def test_any_place_and_any_listed_control_counts(oracles: list[Any]) -> None:
    s = score.score_repo(oracles[0], [F("MLS-SEC-001", "jobs/run.py", 4)])
    assert list(s.found) == ["store-keys"]
    assert [fam for _, fam in s.true_positives] == ["secrets"]


def test_place_without_range_matches_file_level_finding(oracles: list[Any]) -> None:
    s = score.score_repo(oracles[0], [F("MLS-MOD-001", "models/clf.pkl", None, "medium")])
    assert list(s.found) == ["pickle-model"]


def test_place_with_range_does_not_match_a_lineless_finding(oracles: list[Any]) -> None:
    s = score.score_repo(oracles[0], [F("MLS-BKT-004", "infra/s3.tf", None)])
    assert s.found == {}
    assert len(s.unjudged) == 1


def test_false_and_wrong_location_entries_are_false_positives(oracles: list[Any]) -> None:
    s = score.score_repo(
        oracles[0],
        [
            F("MLS-ROB-002", "hooks/notify.py", 8, "medium"),
            F("MLS-SIG-001", "models/clf.pkl", None),
            F("MLS-MLF-001", "Dockerfile", 9, "critical"),
        ],
    )
    assert [(f.control, fam, kind) for f, fam, kind in s.false_positives] == [
        ("MLS-ROB-002", "serving", "false"),
        ("MLS-SIG-001", "model-files", "false"),
        ("MLS-MLF-001", "mlflow", "wrong-location"),
    ]
    assert s.true_positives == [] and s.unjudged == []


def test_false_entry_needs_the_exact_line(oracles: list[Any]) -> None:
    s = score.score_repo(oracles[0], [F("MLS-ROB-002", "hooks/notify.py", 9, "medium")])
    assert s.false_positives == []
    assert len(s.unjudged) == 1


def test_below_medium_does_not_count_but_is_reported(oracles: list[Any]) -> None:
    s = score.score_repo(
        oracles[0], [F("MLS-BKT-004", "infra/s3.tf", 1, "low"), F("MLS-ROB-002", "x.py", 1, "low")]
    )
    assert s.found == {}
    assert [e.id for e in s.missed] == [
        "open-server",
        "store-keys",
        "pickle-model",
        "no-versioning",
    ]
    assert [f.severity for f in s.found_below_floor["no-versioning"]] == ["low"]
    assert s.unjudged == [] and s.false_positives == []


def test_duplicates_are_each_true_but_the_problem_counts_once(oracles: list[Any]) -> None:
    s = score.score_repo(
        oracles[0], [F("MLS-MLF-004", "compose.yml", 20), F("MLS-MLF-004", "compose.yml", 21)]
    )
    assert len(s.true_positives) == 2
    assert [len(v) for v in s.found.values()] == [2]
    t = score.totals(oracles, [s])
    assert (t.recall.num, t.recall.den) == (1, 4)
    assert (t.precision.num, t.precision.den) == (2, 2)


def test_totals_recall_precision_and_families(oracles: list[Any]) -> None:
    findings = [
        F("MLS-MLF-001", "compose.yml", 10, "critical"),  # true, mlflow
        F("MLS-MOD-001", "models/clf.pkl", None, "medium"),  # true, model-files
        F("MLS-SIG-001", "models/clf.pkl", None),  # false, model-files
        F("MLS-MLF-001", "Dockerfile", 9, "critical"),  # wrong location, mlflow
        F("MLS-PRV-002", "app.py", 3, "medium"),  # unjudged
    ]
    scores = [score.score_repo(oracles[0], findings), score.score_repo(oracles[1], [])]
    t = score.totals(oracles, scores)
    assert (t.recall.num, t.recall.den) == (2, 4)
    assert (t.precision.num, t.precision.den) == (2, 4)
    assert t.unjudged == 1
    rec, prec = t.by_family["mlflow"]
    assert (rec.num, rec.den, prec.num, prec.den) == (1, 1, 1, 2)
    rec, prec = t.by_family["model-files"]
    assert (rec.num, rec.den, prec.num, prec.den) == (1, 1, 1, 2)
    rec, prec = t.by_family["secrets"]
    assert (rec.num, rec.den, prec.den) == (0, 1, 0)
    assert str(prec) == "0/0 = n/a"


def test_findings_from_report_skips_suppressed() -> None:
    report = {
        "findings": [
            {
                "control": "MLS-MLF-001",
                "severity": "critical",
                "suppressed": False,
                "location": {"path": "compose.yml", "start_line": 12},
                "message": "m",
            },
            {
                "control": "MLS-MOD-001",
                "severity": "medium",
                "suppressed": True,
                "location": {"path": "a.pkl", "start_line": None},
            },
        ]
    }
    got = score.findings_from_report(report)
    assert [(f.control, f.path, f.line) for f in got] == [("MLS-MLF-001", "compose.yml", 12)]


def test_duplicate_expected_ids_are_rejected() -> None:
    bad = json.loads(json.dumps(ORACLE))
    bad["repos"][0]["expected"].append(dict(bad["repos"][0]["expected"][0]))
    with pytest.raises(ValueError, match="duplicate expected ids"):
        score.load_oracle(bad)


def test_main_reads_reports_and_lists_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "oracle.json").write_text(json.dumps(ORACLE), encoding="utf-8")
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "acme__ml-stack.json").write_text(
        json.dumps(
            {
                "findings": [
                    {
                        "control": "MLS-MLF-001",
                        "severity": "critical",
                        "location": {"path": "compose.yml", "start_line": 11},
                        "message": "open",
                    },
                ]
            }
        ),
        encoding="utf-8",
    )
    rc = score.main(
        [str(tmp_path), "--oracle", str(tmp_path / "oracle.json"), "--reports", str(reports)]
    )
    out = capsys.readouterr().out
    assert rc == 0
    assert "acme__clean.json" in out
    assert "MISSED  [secrets] store-keys MLS-MLF-004/MLS-SEC-001 compose.yml:20-21" in out
    assert "recall    (medium+): 1/4 = 25%" in out
    assert "precision (medium+): 1/1 = 100%" in out
    assert "   miss-server-forms                  1/2" in out


def test_committed_oracle_is_well_formed() -> None:
    data = json.loads(
        (REPO / "benchmarks" / "accuracy" / "oracle.json").read_text(encoding="utf-8")
    )
    oracles = score.load_oracle(data)
    assert len(oracles) >= 20
    families = set(data["families"])
    for o in oracles:
        assert len(o.commit) == 40
        for e in o.expected:
            assert e.family in families, (o.repo, e.id)
            assert score.SEVERITY_RANK[e.severity] >= score.SEVERITY_RANK["medium"], (o.repo, e.id)
        for j in (*o.false, *o.wrong_location):
            assert j.family in families, (o.repo, j.control)
    corpus = (
        (REPO / "benchmarks" / "accuracy" / "corpus.tsv").read_text(encoding="utf-8").splitlines()
    )
    listed = {line.split("\t")[0]: line.split("\t")[1] for line in corpus[1:] if line.strip()}
    assert listed == {o.repo: o.commit for o in oracles}


def test_class_status_counts_open_entries(oracles: list[Any]) -> None:
    findings = [
        F("MLS-MLF-001", "compose.yml", 12, "critical"),  # closes one miss-server-forms entry
        F("MLS-ROB-002", "hooks/notify.py", 8, "medium"),  # fp-handlers entry still fires
    ]
    scores = [score.score_repo(oracles[0], findings), score.score_repo(oracles[1], [])]
    assert score.class_status(oracles, scores) == {
        "fp-handlers": (1, 1),
        "miss-server-forms": (1, 2),
    }
    quiet = [score.score_repo(oracles[0], []), score.score_repo(oracles[1], [])]
    assert score.class_status(oracles, quiet) == {
        "fp-handlers": (0, 1),
        "miss-server-forms": (2, 2),
    }


def test_committed_oracle_classes_are_declared() -> None:
    data = json.loads(
        (REPO / "benchmarks" / "accuracy" / "oracle.json").read_text(encoding="utf-8")
    )
    declared = set(data["classes"])
    used = set()
    for r in data["repos"]:
        for e in r["expected"]:
            if "class" in e:
                used.add(e["class"])
                assert data["classes"][e["class"]]["kind"] == "miss", (r["repo"], e["id"])
        for f in (*r["false"], *r.get("wrong_location", [])):
            assert "class" in f, (r["repo"], f["control"], f["path"])
            used.add(f["class"])
            assert data["classes"][f["class"]]["kind"] == "false", (r["repo"], f["path"])
    assert used == declared


def _with_held_out() -> dict[str, Any]:
    """ORACLE plus one held-out repository with one expected problem and one false entry."""
    data: dict[str, Any] = json.loads(json.dumps(ORACLE))
    data["repos"].append(
        {
            "repo": "other/api",
            "commit": "2" * 40,
            "set": "held-out",
            "expected": [
                {
                    "id": "open-api",
                    "controls": ["MLS-SRV-001"],
                    "severity": "medium",
                    "family": "serving",
                    "where": [{"path": "app.py", "lines": [5, 9]}],
                    "why": "model API on all interfaces without auth",
                },
                {
                    "id": "latest-image",
                    "controls": ["MLS-SRV-003"],
                    "severity": "medium",
                    "family": "serving",
                    "where": [{"path": "stack.yml", "lines": [3, 3]}],
                    "why": "serving image by :latest",
                },
            ],
            "false": [
                {
                    "control": "MLS-SRV-005",
                    "path": "stages/eval.py",
                    "line": 4,
                    "family": "serving",
                    "why": "pipeline stage",
                    "class": "fp-handlers",
                }
            ],
        }
    )
    return data


def test_set_defaults_to_development_and_is_read() -> None:
    oracles = score.load_oracle(_with_held_out())
    assert [(o.repo, o.set) for o in oracles] == [
        ("acme/ml-stack", "development"),
        ("acme/clean", "development"),
        ("other/api", "held-out"),
    ]


def test_unknown_set_is_rejected() -> None:
    bad = _with_held_out()
    bad["repos"][2]["set"] = "heldout"
    with pytest.raises(ValueError, match="unknown set 'heldout'"):
        score.load_oracle(bad)


def test_scores_by_set_groups_in_set_order() -> None:
    oracles = score.load_oracle(_with_held_out())
    scores = [score.score_repo(o, []) for o in reversed(oracles)]
    grouped = score.scores_by_set(oracles, scores)
    assert list(grouped) == ["development", "held-out"]
    assert [s.repo for s in grouped["development"]] == ["acme/clean", "acme/ml-stack"]
    assert [s.repo for s in grouped["held-out"]] == ["other/api"]


def test_render_prints_held_out_totals_separately() -> None:
    oracles = score.load_oracle(_with_held_out())
    scores = [
        score.score_repo(oracles[0], [F("MLS-MLF-001", "compose.yml", 10, "critical")]),
        score.score_repo(oracles[1], []),
        score.score_repo(
            oracles[2],
            [F("MLS-SRV-001", "app.py", 5, "medium"), F("MLS-SRV-005", "stages/eval.py", 4)],
        ),
    ]
    out = score.render(scores, oracles, []).splitlines()
    assert "== other/api [held-out]  expected found 1/2  true 1  false 1  unjudged 0" in out
    assert "== acme/ml-stack  expected found 1/4  true 1  false 0  unjudged 0" in out
    dev = out.index("-- development set: 2 repositories scored")
    held = out.index("-- held-out set: 1 repositories scored")
    assert dev < held
    assert out[dev + 1] == "recall    (medium+): 1/4 = 25%"
    assert out[dev + 2] == "precision (medium+): 1/1 = 100%   unjudged findings: 0"
    assert out[held + 1] == "recall    (medium+): 1/2 = 50%"
    assert out[held + 2] == "precision (medium+): 1/2 = 50%   unjudged findings: 0"
    assert out[held + 5] == "serving        1/2 = 50%          1/2 = 50%"
    # the overall totals still cover every scored repository
    assert "recall    (medium+): 2/6 = 33%" in out
    assert "precision (medium+): 2/3 = 67%   unjudged findings: 0" in out


def test_render_names_the_only_set_scored() -> None:
    oracles = score.load_oracle(_with_held_out())
    out = score.render([score.score_repo(oracles[2], [])], oracles, [])
    assert "(all scored repositories are in the held-out set)" in out.splitlines()
    assert "-- held-out set" not in out


def test_main_set_option_scores_only_that_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "oracle.json").write_text(json.dumps(_with_held_out()), encoding="utf-8")
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "other__api.json").write_text(
        json.dumps(
            {
                "findings": [
                    {
                        "control": "MLS-SRV-003",
                        "severity": "medium",
                        "location": {"path": "stack.yml", "start_line": 3},
                        "message": "latest",
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    rc = score.main(
        [
            str(tmp_path),
            "--oracle",
            str(tmp_path / "oracle.json"),
            "--reports",
            str(reports),
            "--set",
            "held-out",
        ]
    )
    out = capsys.readouterr().out
    assert rc == 0
    assert "acme__ml-stack.json" not in out and "acme__clean.json" not in out
    assert "repositories scored: 1 of 1" in out
    assert "recall    (medium+): 1/2 = 50%" in out
    assert "   MISSED  [serving] open-api MLS-SRV-001 app.py:5-9" in out


def test_committed_oracle_has_a_held_out_set() -> None:
    data = json.loads(
        (REPO / "benchmarks" / "accuracy" / "oracle.json").read_text(encoding="utf-8")
    )
    oracles = score.load_oracle(data)
    held_out = [o.repo for o in oracles if o.set == score.HELD_OUT_SET]
    assert len(held_out) >= 6
    corpus = (
        (REPO / "benchmarks" / "accuracy" / "corpus.tsv").read_text(encoding="utf-8").splitlines()
    )
    why = {line.split("\t")[0]: line.split("\t")[2] for line in corpus[1:] if line.strip()}
    assert all(why[r].startswith("Held-out:") for r in held_out)
    assert not any(why[o.repo].startswith("Held-out:") for o in oracles if o.set != "held-out")
