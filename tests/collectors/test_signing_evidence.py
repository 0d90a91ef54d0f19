"""MLS-SIG-001 asks for a signature only in projects that sign models.

A model the project trains and commits itself, with no signing anywhere, gets no
"unsigned model" finding (docs/accuracy.md, class fp-no-value-sig-rob); a project with a
signing dependency, a signing command in CI or code importing model_signing does.
"""

from __future__ import annotations

from pathlib import Path

from mlscan.scan import ScanOptions, collect_facts, run
from tests import pickle_corpus as pc

WORKFLOW = """\
name: release
on: push
jobs:
  sign:
    runs-on: ubuntu-latest
    steps:
      - run: pip install model-signing
      # sign every released model with the team key
      - run: model_signing sign key models/churn --private_key "$KEY" --signature models/churn.sig
"""


def _write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def _sig001(root: Path) -> list[tuple[str, str]]:
    result = run(ScanOptions(paths=(str(root),)))
    return sorted((f.location.path, f.message) for f in result.findings
                  if f.control.id == "MLS-SIG-001")


def _model() -> dict[str, str | bytes]:
    return {"models/clf.pkl": pc.p2(pc.global_("collections", "OrderedDict") + b")R")}


def test_a_project_without_any_signing_gets_no_unsigned_model_finding(tmp_path: Path) -> None:
    root = _write(tmp_path, {**_model(), "requirements.txt": "scikit-learn==1.5.0\n",
                             "train.py": "# model-signing could sign this one day\n"})
    assert _sig001(root) == []
    facts = collect_facts((str(root),)).facts
    assert facts["signatures"]["signing_evidence"] == []


def test_a_signing_workflow_makes_an_unsigned_model_a_finding(tmp_path: Path) -> None:
    root = _write(tmp_path, {**_model(), ".github/workflows/release.yml": WORKFLOW})
    assert _sig001(root) == [(
        "models/clf.pkl",
        "Model models/clf.pkl (pickle) has no signature (looked for models/clf.pkl.sig, "
        "models/clf.pkl.sigstore.json); it is a model artifact in a model location of a "
        "project that signs models (.github/workflows/release.yml L9: model_signing sign)")]


def test_each_kind_of_signing_evidence_is_recorded_at_its_line(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        **_model(),
        "requirements.txt": "# pinned\nscikit-learn==1.5.0\nmodel-signing==1.1.1\n",
        "src/publish.py": "import json\nfrom model_signing import signing\n",
        ".github/workflows/release.yml": WORKFLOW,
        "scripts/sign.sh": "#!/bin/sh\n# cosign sign is not used here\necho done\n",
    })
    facts = collect_facts((str(root),)).facts
    got = [(e["kind"], e["path"], e["loc"]["line"], e["what"])
           for e in facts["signatures"]["signing_evidence"]]
    assert got == [
        ("workflow", ".github/workflows/release.yml", 9, "model_signing sign"),
        ("dependency", "requirements.txt", 3, "model-signing"),
        ("code", "src/publish.py", 2, "from model_signing import"),
    ]
