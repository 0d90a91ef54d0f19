"""The two pickle engines, differentially: mlscan's opcode walker and picklescan's parser.

When the walker finishes a stream, picklescan's parser is not run again on it: only its
denylist rates the walker's names (``pickles.picklescan_ratings``). That is sound only if
the walker reports every global picklescan's parser would report. These tests prove it on
every pickle stream the analyser walks in the test corpora (tests/model_corpus.py: the
evasion classes and files written by real libraries; tests/pickle_corpus.py), and check
that picklescan's parser still runs where the walker cannot finish.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from picklescan.scanner import SafetyLevel, scan_pickle_bytes

from mlscan.collectors.artifacts import pickles
from mlscan.collectors.artifacts.collector import analyse_open_file
from mlscan.collectors.artifacts.discovery import MODEL_EXTENSIONS
from mlscan.collectors.artifacts.files import AnalysisLimits
from tests import model_corpus as mc
from tests import pickle_corpus as pc

Stream = tuple[str, bytes, pickles.WalkResult]


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> list[Stream]:
    """(sample, stream bytes, walk result) for every stream the analyser walked."""
    base = tmp_path_factory.mktemp("engines")
    paths = [base / "model" / s.path for s in mc.write(base / "model", str(base / "MARKER"))]
    for s in pc.build_corpus():
        target = base / "opcode" / s.filename
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(s.data)
        paths.append(target)
    streams: list[Stream] = []
    real_walk = pickles.walk_buffer
    current = ""

    def spy(buf: Any, size: int, **kwargs: Any) -> pickles.WalkResult:
        result = real_walk(buf, size, **kwargs)
        streams.append((current, bytes(buf[kwargs.get("start", 0):size]), result))
        return result

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pickles, "walk_buffer", spy)
        for path in paths:
            current = str(path.relative_to(base))
            declared = MODEL_EXTENSIONS.get(path.suffix.lower(), "sniffed")
            with path.open("rb") as fh:
                analyse_open_file(fh, path.stat().st_size, declared, AnalysisLimits())
    assert not (base / "MARKER").exists()
    return streams


def _parser(data: bytes) -> dict[tuple[str, str], SafetyLevel]:
    res = scan_pickle_bytes(io.BytesIO(data), "sample", multiple_pickles=True)
    return {(g.module, g.name): g.safety for g in res.globals}


def test_every_stream_kind_of_the_corpora_is_walked(walked: list[Stream]) -> None:
    samples = {name for name, _, _ in walked}
    # raw pickles of every protocol, zip members, compressed joblib, legacy torch, npy/npz
    # object arrays, tar members, and the files real libraries wrote
    for needed in ("model/models/p0_os_system.pkl", "model/models/p5_socket.pkl",
                   "model/models/jl_zlib.joblib", "model/models/torch_legacy.pth",
                   "model/models/npz_no_suffix.npz", "model/models/legacy_tar.pth",
                   "model/models/real/forest_xz.joblib", "model/models/real/logreg_p0.pkl",
                   "model/models/real/torch/state_dict.pt",
                   "model/models/real/torch/scripted.pt", "opcode/memo_hidden_deep.pkl"):
        assert needed in samples, needed
    finished = [s for s in walked if s[2].error is None and s[2].limit is None]
    assert len(finished) >= 130


def test_the_walker_reports_every_global_picklescans_parser_reports(
        walked: list[Stream]) -> None:
    missing: dict[str, dict[tuple[str, str], str]] = {}
    for name, data, result in walked:
        if result.error is not None or result.limit is not None:
            continue  # picklescan's parser still runs on these (below)
        mine = {(g.module, g.name) for g in result.globals}
        extra = {k: v.value for k, v in _parser(data).items() if k not in mine}
        if extra:
            missing[Path(name).name] = extra
    # The only names picklescan lists that the walker does not are its own mis-resolution
    # of a memo-of-memo chain (the memo index "10" taken for the module; the walker
    # resolves the real subprocess.check_output). picklescan rates it suspicious, not
    # dangerous, and the merge rule dropped it even when both engines ran.
    assert missing == {
        "memo_hidden_deep.pkl": {("10", "check_output"): "suspicious"},
        "p5_memo_deep.pkl": {("10", "check_output"): "suspicious"},
    }


def test_the_denylist_rates_the_walkers_names_as_picklescans_parser_does(
        walked: list[Stream]) -> None:
    compared = 0
    for _, data, result in walked:
        if result.error is not None or result.limit is not None:
            continue
        keys = {(g.module, g.name) for g in result.globals}
        rated = pickles.picklescan_ratings(keys)
        assert rated is not None
        parsed = _parser(data)
        for key, level in rated.items():
            ps_key = tuple("unknown" if part == "<dynamic>" else part for part in key)
            if ps_key in parsed:
                compared += 1
                assert level == {SafetyLevel.Dangerous: "dangerous",
                                 SafetyLevel.Innocuous: "safe"}.get(parsed[ps_key], "unknown")
    assert compared >= 150


def test_a_finished_stream_is_not_parsed_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_parse(data: bytes) -> object:
        raise AssertionError("picklescan's parser ran on a stream the walker finished")

    monkeypatch.setattr(pickles, "_picklescan", no_parse)
    result = pickles.analyse(pc.os_system_payload("echo x")["p4"], timeout=5)
    assert [(g.module, g.name, g.sources, g.picklescan, g.classification)
            for g in result.globals] == [("os", "system", ("opcodes",), "dangerous",
                                          "dangerous")]
    assert result.engines == ("opcodes", "picklescan-denylist")


def test_picklescans_parser_runs_where_the_walker_breaks_off() -> None:
    # a payload, then a byte that is no opcode: the walker stops, picklescan parses too
    data = pc.os_system_payload("echo x")["p2"][:-1] + b"\xff"
    result = pickles.analyse(data, timeout=5)
    assert result.engines == ("opcodes", "picklescan", "byte-scan")
    assert [(g.module, g.name, g.sources, g.picklescan) for g in result.globals] == [
        ("posix", "system", ("byte-scan", "opcodes", "picklescan"), "dangerous")]
    assert [e for e, _ in result.engine_errors] == ["opcodes", "picklescan"]


def test_without_the_rating_function_picklescans_parser_runs(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # another picklescan version without the function: one parse, as before
    monkeypatch.setattr(pickles, "_RATE_FUNCTION", "_no_such_function")
    result = pickles.analyse(pc.os_system_payload("echo x")["p2"], timeout=5)
    assert result.engines == ("opcodes", "picklescan")
    assert [(g.module, g.name, g.sources, g.picklescan) for g in result.globals] == [
        ("posix", "system", ("opcodes", "picklescan"), "dangerous")]
