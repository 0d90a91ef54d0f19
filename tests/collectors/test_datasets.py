"""Datasets collector: column-name and value detectors, schemas, dataset cards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mlscan.collectors.base import CollectContext
from mlscan.collectors.datasets.collector import DatasetsCollector
from mlscan.collectors.datasets.pii import (
    column_category,
    iban_valid,
    is_phone,
    luhn_valid,
    nir_valid,
    ssn_valid,
    value_hits,
)
from mlscan.config import Config
from mlscan.hashing import DigestService
from mlscan.scan import ScanOptions, run
from mlscan.workspace import Workspace


def _collect(root: Path) -> dict[str, Any]:
    ws = Workspace.discover(root)
    out = DatasetsCollector().collect(
        ws, CollectContext.create(ws, config=Config(), digests=DigestService(ws))
    )
    return out.facts


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("email", "email"),
        ("customerEmail", "email"),
        ("email_address", "email"),
        ("full_name", "name"),
        ("card_holder", "name"),
        ("date_of_birth", "date-of-birth"),
        ("national_id", "national-id"),
        ("account_iban", "financial-account"),
        ("phone_number", "phone"),
    ],
)
def test_personal_column_names(name: str, category: str) -> None:
    assert column_category(name) == category


@pytest.mark.parametrize(
    "name",
    [
        "email_count",
        "has_email",
        "email_domain_hash",
        "reviewer_id",
        "applicant_ref",
        "age_band",
        "entity_name",
        "name",
        "review_text",
        "n_tokens",
        "product_id",
    ],
)
def test_derived_or_neutral_column_names_are_not_personal(name: str) -> None:
    assert column_category(name) is None


def test_value_checksums() -> None:
    assert iban_valid("DE89 3704 0044 0532 0130 00")
    assert not iban_valid("DE00000000000000000001")  # bad check digits
    assert luhn_valid("4111 1111 1111 1111")
    assert not luhn_valid("4111 1111 1111 1112")
    assert ssn_valid("123-45-6789")
    assert not ssn_valid("000-10-1000") and not ssn_valid("666-12-3456")
    assert not ssn_valid("912-12-3456")
    assert nir_valid("255081416802538")
    assert is_phone("+44 20 7946 0958") and is_phone("(555) 123-4567")
    assert not is_phone("2024-01-10") and not is_phone("+2024-01-10T10:20:00Z")


def test_review_text_mentioning_a_number_is_not_a_phone() -> None:
    texts = ["Call 555 0100 was useless", "Bought 3 for 19.99", "Order 12345678 arrived"]
    assert value_hits(texts) == {}


def test_structured_detectors_need_half_the_column() -> None:
    ids = [f"{4000000000000000 + i}" for i in range(20)]  # a few pass Luhn by chance
    assert "credit-card" not in value_hits(ids)


def test_csv_header_and_emails_reported_without_values(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "r.csv").write_text(
        "id,email_count,contact,review_text\n"
        "1,2,ann@example.org,great kettle\n"
        "2,0,bob@example.org,call me on 555 0100\n",
        encoding="utf-8",
    )
    facts = _collect(tmp_path)
    (f,) = facts["files"]
    assert f["loc"]["line"] == 1
    assert [(p["column"], p["detector"], p["matches"]) for p in f["personal_data"]] == [
        ("contact", "email", 2)
    ]
    assert f["personal_data"][0]["loc"]["col"] == 16
    assert "ann@example.org" not in repr(facts)


def test_jsonl_keys_and_schemas(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "r.jsonl").write_text(
        '\n{"text": "ok", "user_name": "Ann"}\n', encoding="utf-8"
    )
    (tmp_path / "expectations").mkdir()
    (tmp_path / "expectations" / "suite.json").write_text(
        '{"expectation_suite_name": "s",\n "expectations": [\n'
        '  {"expectation_type": "x", "kwargs": {"column": "ssn"}}]}\n',
        encoding="utf-8",
    )
    (tmp_path / "schema.yaml").write_text(
        "schema_type: dataframe\nversion: 0.18.0\ncolumns:\n  rating: {}\n  surname: {}\n",
        encoding="utf-8",
    )
    facts = _collect(tmp_path)
    (f,) = facts["files"]
    assert [(p["column"], p["loc"]["line"]) for p in f["personal_data"]] == [("user_name", 2)]
    got = {
        (s["path"], s["kind"], p["column"], p["loc"]["line"])
        for s in facts["schemas"]
        for p in s["personal_data"]
    }
    assert got == {
        ("expectations/suite.json", "great-expectations", "ssn", 3),
        ("schema.yaml", "pandera", "surname", 5),
    }


def test_parquet_schema(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"iban": ["x"], "amount": [1.0]}), tmp_path / "t.parquet")
    (f,) = _collect(tmp_path)["files"]
    assert [p["column"] for p in f["personal_data"]] == ["iban"]


def test_dataset_card_statements(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "README.md").write_text(
        "# Card\n\n| Field | Value |\n|---|---|\n| Source | shop |\n| Licence | CC BY |\n"
        "Purpose: sentiment only\n",
        encoding="utf-8",
    )
    (card,) = _collect(tmp_path)["cards"]
    present = {k: v["present"] for k, v in card["statements"].items()}
    assert present == {"source": True, "licence": True, "consent": False, "purpose": True}
    assert card["statements"]["purpose"]["loc"]["line"] == 7


def test_scan_reports_prv_001_and_prv_004(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "people.csv").write_text("x,full_name\n1,Ann Lee\n", encoding="utf-8")
    (tmp_path / "data" / "README.md").write_text("# people\n", encoding="utf-8")
    result = run(ScanOptions(paths=(str(tmp_path),)))
    got = {
        (f.control.id, f.location.path, f.location.start_line)
        for f in result.findings
        if f.control.id.startswith("MLS-PRV")
    }
    assert got == {("MLS-PRV-001", "data/people.csv", 1), ("MLS-PRV-004", "data/README.md", 1)}
