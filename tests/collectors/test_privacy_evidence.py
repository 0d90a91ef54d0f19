"""Privacy verdicts from evidence: a logged request payload is reported at medium only when
something shows it is personal, and protected attributes are read from training code and
serving schemas as well as from MLmodel signatures (fixtures: tests/fixtures/privacy)."""

from __future__ import annotations

from pathlib import Path

from mlscan.scan import ScanOptions, run

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "privacy"


def _findings(root: Path, *controls: str) -> set[tuple[str, str, int | None, str]]:
    result = run(ScanOptions(paths=(str(root),)))
    return {
        (f.control.id, f.location.path, f.location.start_line, f.severity)
        for f in result.findings
        if f.control.id in controls
    }


def test_payload_logging_severity_follows_personal_evidence() -> None:
    assert _findings(FIX / "payloads", "MLS-PRV-002") == {
        # a leaf photo URL: nothing personal, a hygiene note only
        ("MLS-PRV-002", "vision/classify.py", 12, "low"),
        ("MLS-PRV-002", "vision/classify.py", 15, "low"),
        # a loan service: its requests are about one applicant
        ("MLS-PRV-002", "loans/api.py", 21, "medium"),
        # an e-mail address field is personal data whatever the model
        ("MLS-PRV-002", "tickets/route.py", 15, "medium"),
        # a generic handler of a module that loads a credit model
        ("MLS-PRV-002", "web/main.py", 15, "medium"),
    }


def test_protected_attributes_from_training_code_and_request_schemas() -> None:
    assert _findings(FIX / "protected", "MLS-PRV-005") == {
        # every column of the CSV the Makefile passes to the script, minus the dropped ones
        ("MLS-PRV-005", "pipeline/fit_default.py", 12, "medium"),
        # the dataset as an argparse default, read through a method chain
        ("MLS-PRV-005", "pipeline/fit_claims.py", 12, "medium"),
        # the dataset as os.path.join of a folder constant; X, y assigned as a pair
        ("MLS-PRV-005", "pipeline/fit_joined.py", 9, "medium"),
        # an explicit column list of a model logged to a "mortgage" experiment
        ("MLS-PRV-005", "approvals/train_lending.py", 13, "medium"),
        # the pydantic schema of a BentoML tenant-screening service
        ("MLS-PRV-005", "service/screening.py", 7, "medium"),
        # a FastAPI route's schema, with a field inherited from its base class
        ("MLS-PRV-005", "service/claims_api.py", 14, "medium"),
        # wine/train.py takes "age" too, but a wine's age decides nothing about people
    }


def test_training_columns_are_named_in_the_message() -> None:
    result = run(ScanOptions(paths=(str(FIX / "protected"),)))
    (f,) = [f for f in result.findings if f.location.path == "pipeline/fit_default.py"]
    assert f.evidence["protected_inputs"] == ["AGE_YEARS (age)", "GENDER (sex)"]
    assert "the columns of datasets/credit_lines_q1.csv" in f.message


def test_payload_fields_are_read_from_keys_and_schemas() -> None:
    from mlscan.collectors.privacy.serving import analyse

    root = FIX / "payloads"
    vision = analyse("vision/classify.py", (root / "vision" / "classify.py").read_text())
    loans = analyse("loans/api.py", (root / "loans" / "api.py").read_text())
    assert vision is not None and loans is not None
    assert [h.fields for h in vision.handlers] == [["photo_url"]]
    # the schema's fields, then nothing new from attribute reads on the parameter
    assert [(h.schemas, h.fields) for h in loans.handlers] == [
        (["Applicant"], ["amount", "term_months", "yearly_income"])
    ]


def test_dataset_card_severity_follows_personal_evidence() -> None:
    assert _findings(FIX / "cards", "MLS-PRV-004") == {
        # weather measurements: documentation hygiene only
        ("MLS-PRV-004", "weather/data/README.md", 1, "low"),
        # the prose says faces and licence plates are visible
        ("MLS-PRV-004", "street/data/README.md", 1, "medium"),
        # a "Personal and Sensitive Information" heading alone says nothing
        ("MLS-PRV-004", "sensors/data/README.md", 1, "low"),
    }
