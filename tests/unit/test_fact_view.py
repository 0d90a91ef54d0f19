"""The engine's view of the facts leaves out only fields no built-in control reads, and
every example gives the same violations on it as on the full document."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from mlscan.controls import load_policy_set
from mlscan.engine.embedded import EmbeddedEngine
from mlscan.fact_view import DETAIL_FIELDS, engine_view
from mlscan.scan import collect_facts
from tests.helpers import EXAMPLES, REPO

REGO = REPO / "rego"


def test_detail_fields_are_left_out_without_touching_the_facts() -> None:
    facts = {
        "schema_version": "1",
        "datasets": {
            "files": [{"path": "a.csv", "columns": [{"name": "x"}], "rows_sampled": 3,
                       "sample_truncated": False, "personal_data": [], "loc": None}],
            "cards": [{"path": "README.md"}],
        },
        "dvc": {"outputs": [{"path": "d", "hash_loc": None, "declared_path": "d",
                             "repo_root": "", "hash_value": "0" * 32}]},
    }
    before = copy.deepcopy(facts)
    view = engine_view(facts)
    assert facts == before
    assert view == {
        "schema_version": "1",
        "datasets": {
            "files": [{"path": "a.csv", "personal_data": [], "loc": None}],
            "cards": [{"path": "README.md"}],
        },
        "dvc": {"outputs": [{"path": "d", "hash_value": "0" * 32}]},
    }


# Mentions of a detail field's name that are something else (checked by hand; a new
# mention of one of these names fails the test until it is checked too).
OTHER_MEANINGS = {
    ("columns", "rego/controls/privacy/personal_data.rego"),  # a local and an evidence key
    ("files", "rego/lib/model_artifacts.rego"),  # input.artifacts.files
    ("files", "rego/controls/model/code_in_model.rego"),  # model_artifacts.files
    ("files", "rego/controls/model/dangerous_imports.rego"),
    ("files", "rego/controls/model/pickle_format.rego"),
    ("files", "rego/controls/model/unanalysable_model.rego"),  # input.artifacts.files
    ("files", "rego/controls/privacy/personal_data.rego"),  # the datasets.files list
    ("files", "rego/controls/privacy/retention.rego"),
    ("files", "rego/controls/privacy/dataset_card.rego"),  # the datasets.files list
    ("files", "rego/lib/privacy.rego"),  # the datasets.files list
    ("files", "rego/lib/robustness.rego"),  # the datasets.files list
    ("framework", "rego/controls/robustness/input_validation.rego"),  # a serving handler's
}


def test_no_builtin_policy_reads_a_detail_field() -> None:
    mentions = set()
    for p in sorted(REGO.rglob("*.rego")):
        if p.name.endswith("_test.rego"):
            continue
        text = p.read_text(encoding="utf-8")
        for fields in DETAIL_FIELDS.values():
            for field in fields:
                if re.search(rf'(\.{field}\b|"{field}")', text):
                    mentions.add((field, p.relative_to(REPO).as_posix()))
    assert mentions - OTHER_MEANINGS == set()


@pytest.mark.parametrize(
    "root", sorted(p for p in EXAMPLES.glob("*/*/") if p.is_dir()),
    ids=lambda p: p.relative_to(EXAMPLES).as_posix(),
)
def test_examples_give_the_same_violations_on_the_view(root: Path) -> None:
    facts = collect_facts((str(root),)).facts
    engine = EmbeddedEngine(load_policy_set())
    full = engine.evaluate(facts)
    assert engine.evaluate(engine_view(facts)) == full
