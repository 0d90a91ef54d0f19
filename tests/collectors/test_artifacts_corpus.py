"""The evasion corpus (tests/model_corpus.py) end to end: every malicious sample reported by
exactly the expected model controls, no false alarm on files written by real libraries, and
nothing executed."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlscan.models import ScanResult
from mlscan.scan import ScanOptions, run
from tests import model_corpus as mc

MODEL_CONTROLS = {mc.MOD_IMPORTS, mc.MOD_CODE, mc.MOD_UNSAFE}


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory
           ) -> tuple[list[mc.Sample], ScanResult, Path]:
    base = tmp_path_factory.mktemp("model-corpus")
    marker = base / "MARKER"
    samples = mc.write(base / "project", str(marker))
    result = run(ScanOptions(paths=(str(base / "project"),)))
    return samples, result, marker


def _reported(result: ScanResult) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in result.findings:
        if f.control.id in MODEL_CONTROLS:
            out.setdefault(f.location.path, set()).add(f.control.id)
    return out


def test_corpus_size_and_coverage(corpus: tuple[list[mc.Sample], ScanResult, Path]) -> None:
    samples, _, _ = corpus
    bad = [s for s in samples if s.malicious]
    good = [s for s in samples if not s.malicious]
    assert len(bad) >= 60
    assert len(good) >= 25
    techniques = {s.technique for s in bad}
    for needed in ("protocol 0", "protocol 1", "protocol 2", "protocol 3", "protocol 4",
                   "protocol 5", "joblib zlib", "joblib gzip", "joblib bz2", "joblib xz",
                   "joblib lzma", "pytorch zip", "pytorch legacy", "npy object array",
                   "npz member without .npy", "keras module (CVE-2025-1550)", "h5 lambda",
                   "savedmodel ops", "dotted name", "file gadget", "zip name mismatch",
                   "zip encrypted flag", "zip bad CRC", "extension (CVE-2025-1889)",
                   "7z declared PyTorch", "tar declared PyTorch", "broken stream"):
        assert needed in techniques, needed


def test_every_malicious_sample_is_reported_by_the_expected_controls(
        corpus: tuple[list[mc.Sample], ScanResult, Path]) -> None:
    samples, result, _ = corpus
    reported = _reported(result)
    got = {s.path: reported.get(s.path, set()) for s in samples if s.malicious}
    assert got == {s.path: set(s.expect) for s in samples if s.malicious}


def test_no_false_alarm_on_files_written_by_real_libraries(
        corpus: tuple[list[mc.Sample], ScanResult, Path]) -> None:
    samples, result, _ = corpus
    reported = _reported(result)
    assert {s.path: reported.get(s.path) for s in samples if not s.malicious} == {
        s.path: None for s in samples if not s.malicious}


def test_benign_files_raise_no_warning(corpus: tuple[list[mc.Sample], ScanResult, Path]
                                       ) -> None:
    samples, result, _ = corpus
    benign = {s.path for s in samples if not s.malicious}
    # only the LightGBM text model (an unknown format for a .model file) gets a note
    assert [(n.path, n.level) for n in result.notifications if n.path in benign] == [
        (p, "note") for p in sorted(benign) if p.endswith("lightgbm.model")]


def test_nothing_executed(corpus: tuple[list[mc.Sample], ScanResult, Path]) -> None:
    _, _, marker = corpus
    assert not marker.exists()
    assert not Path(str(marker) + ".other").exists()
