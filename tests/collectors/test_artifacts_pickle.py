"""The static pickle analysis on the opcode-built corpus (tests/pickle_corpus.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from mlscan.collectors.artifacts.discovery import MODEL_EXTENSIONS
from mlscan.collectors.artifacts.files import AnalysisLimits, analyse_file
from mlscan.collectors.artifacts.globals import classify
from mlscan.collectors.artifacts.pickles import analyse, byte_scan, walk
from tests import pickle_corpus as pc

CORPUS = pc.build_corpus()


def _analyse_sample(sample: pc.Sample):
    suffix = "." + sample.filename.rsplit(".", 1)[1]
    declared = MODEL_EXTENSIONS[suffix]
    return analyse_file(io.BytesIO(sample.data), len(sample.data), declared, AnalysisLimits())


@pytest.mark.parametrize("sample", [s for s in CORPUS if s.malicious], ids=lambda s: s.name)
def test_every_malicious_sample_is_dangerous_with_its_imports_named(sample: pc.Sample) -> None:
    result = _analyse_sample(sample)
    dangerous = {f"{g.module}.{g.name}" for g in result.globals
                 if g.classification == "dangerous"}
    assert result.verdict == "dangerous"
    assert sample.dangerous <= dangerous


@pytest.mark.parametrize("sample", [s for s in CORPUS if not s.malicious], ids=lambda s: s.name)
def test_no_benign_sample_is_dangerous(sample: pc.Sample) -> None:
    result = _analyse_sample(sample)
    assert result.verdict in ("safe", "suspicious")
    assert not [g for g in result.globals if g.classification == "dangerous"]


def test_benign_verdicts_are_exact() -> None:
    verdicts = {s.name: _analyse_sample(s).verdict for s in CORPUS if not s.malicious}
    assert verdicts == {
        "dict_p0": "safe", "dict_p2": "safe", "dict_p4": "safe", "dict_p5": "safe",
        "joblib_benign": "suspicious",  # sklearn class: unknown global
        "npy_float": "safe",
        "numpy_reconstruct": "safe",
        "ordered_dict": "safe",
        "sklearn_like": "suspicious",
        "torch_legacy_state_dict": "safe",
        "torch_zip_state_dict": "safe",
    }


def test_formats_are_sniffed_from_content() -> None:
    formats = {s.name: _analyse_sample(s).format for s in CORPUS}
    assert formats["torch_zip_malicious"] == "pytorch"
    assert formats["torch_legacy_malicious"] == "pytorch-legacy"
    assert formats["npy_object_malicious"] == "numpy-object"
    assert formats["npy_float"] == "numpy"
    assert formats["joblib_malicious"] == "joblib"
    assert formats["os_system_p0"] == "pickle"


def test_memo_hidden_names_resolve_to_the_real_import() -> None:
    result = analyse(pc.memo_hidden(), timeout=5)
    assert [(g.module, g.name, g.classification) for g in result.globals] == [
        ("os", "system", "dangerous")
    ]
    deep = analyse(pc.memo_hidden_deep(), timeout=5)
    # picklescan alone resolves this memo chain to the bogus "10.check_output"; the walker's
    # symbolic memo gets the real module, and picklescan-only non-dangerous names are dropped
    assert [(g.module, g.name) for g in deep.globals] == [("subprocess", "check_output")]
    assert deep.globals[0].sources == ("opcodes",)


def test_a_finished_walk_is_rated_by_picklescans_denylist_without_a_second_parse() -> None:
    result = analyse(pc.os_system_payload("echo x")["p2"], timeout=5)
    assert [(g.module, g.name, g.sources, g.picklescan) for g in result.globals] == [
        ("posix", "system", ("opcodes",), "dangerous")
    ]
    assert result.engines == ("opcodes", "picklescan-denylist")
    assert result.engine_errors == ()
    assert result.protocol == 2
    assert result.streams == 1


def test_joblib_inline_arrays_are_skipped_and_the_walk_goes_on() -> None:
    data = pc.joblib_like(pc.sklearn_like_pkl()[2:-1], pc.call_p2("os", "system", "echo j"))
    result = analyse(data, timeout=5)
    os_system = [g for g in result.globals if (g.module, g.name) == ("os", "system")]
    assert os_system and os_system[0].sources == ("opcodes",)
    assert (result.error, result.streams, result.joblib_inline_data) == (None, 1, False)


def test_joblib_array_of_unknown_size_falls_back_to_byte_scan() -> None:
    data = pc.joblib_like(pc.sklearn_like_pkl()[2:-1], pc.call_p2("os", "system", "echo j"))
    data = data.replace(pc.binunicode("dtype"), pc.binunicode("dtypx"))  # size unknown
    result = analyse(data, timeout=5)
    os_system = [g for g in result.globals if (g.module, g.name) == ("os", "system")]
    assert os_system and os_system[0].sources == ("byte-scan",)
    assert result.joblib_inline_data is True
    assert result.error is None


def test_legacy_torch_file_has_five_streams() -> None:
    result = analyse(pc.torch_legacy(pc.ordered_dict_pkl()), timeout=5)
    assert result.streams == 5
    assert result.error is None


@pytest.mark.parametrize(("data", "message"), [
    (b"\x80\x04\x95", "truncated"),
    (b"\x80\x02cos\nsys", "truncated"),
    (b"\x80\x02\xff", "invalid opcode 0xff"),
    (b"\x80\x04\x8e" + (2**40).to_bytes(8, "little"), "claims"),
    (b"\x80\x02N", "without STOP"),
])
def test_malformed_streams_are_reported_not_raised(data: bytes, message: str) -> None:
    result = walk(io.BytesIO(data), len(data), timeout=5)
    assert result.error is not None and message in result.error


def test_huge_payloads_are_skipped_not_read() -> None:
    # BINBYTES8 claiming 64 MiB that is really there: the walker seeks over it
    payload = b"\0" * (64 * 1024 * 1024)
    data = b"\x80\x04\x8e" + len(payload).to_bytes(8, "little") + payload + b"."
    result = walk(io.BytesIO(data), len(data), timeout=5)
    assert result.error is None and result.streams == 1


def test_opcode_budget_stops_the_walk() -> None:
    data = b"\x80\x02" + b"N0" * 50_000 + b"N."
    result = walk(io.BytesIO(data), len(data), timeout=5, max_opcodes=1000)
    assert result.limit == "opcodes"


def test_time_budget_stops_the_walk() -> None:
    data = b"\x80\x02" + b"N0" * 200_000 + b"N."
    result = walk(io.BytesIO(data), len(data), timeout=0.0)
    assert result.limit == "timeout"


def test_byte_scan_finds_global_and_stack_global_patterns() -> None:
    blob = b"\x00\x01" + pc.global_("subprocess", "Popen") + b"\xff" + pc.stack_global(
        "os", "system") + pc.global_("collections", "OrderedDict")
    found = sorted((g.module, g.name) for g in byte_scan(blob))
    assert found == [("os", "system"), ("subprocess", "Popen")]


@pytest.mark.parametrize(("module", "name", "expected"), [
    ("os", "system", "dangerous"),
    ("posix", "system", "dangerous"),
    ("os.path", "join", "dangerous"),
    ("builtins", "__import__", "dangerous"),
    ("builtins", "set", "safe"),
    ("operator", "attrgetter", "dangerous"),
    ("operator", "add", "unknown"),
    ("torch._utils", "_rebuild_tensor_v2", "safe"),
    ("torch", "HalfStorage", "safe"),
    ("torch", "load", "dangerous"),
    ("numpy.core.multiarray", "_reconstruct", "safe"),
    ("sklearn.tree._classes", "DecisionTreeClassifier", "unknown"),
    ("<dynamic>", "<dynamic>", "dangerous"),
])
def test_classification(module: str, name: str, expected: str) -> None:
    assert classify(module, name) == expected


# ------------------------------------------------------------------ robustness (fuzzing)
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

DECLARED = sorted(set(MODEL_EXTENSIONS.values()) | {"sniffed"})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=512), declared=st.sampled_from(DECLARED))
def test_random_bytes_never_raise(data: bytes, declared: str) -> None:
    result = analyse_file(io.BytesIO(data), len(data), declared, AnalysisLimits(timeout=5))
    assert result.verdict in ("safe", "suspicious", "dangerous", "unanalysed")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(0, len(CORPUS) - 1), cut=st.integers(0, 10_000),
       flips=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=4))
def test_mutated_corpus_never_raises(index: int, cut: int,
                                     flips: list[tuple[int, int]]) -> None:
    sample = CORPUS[index]
    data = bytearray(sample.data[: max(1, cut % (len(sample.data) + 1))])
    for pos, value in flips:
        data[pos % len(data)] = value
    suffix = "." + sample.filename.rsplit(".", 1)[1]
    result = analyse_file(io.BytesIO(bytes(data)), len(data), MODEL_EXTENSIONS[suffix],
                          AnalysisLimits(timeout=5))
    assert result.verdict in ("safe", "suspicious", "dangerous", "unanalysed")


def test_corpus_is_written_deterministically(tmp_path: Path) -> None:
    first = pc.write_corpus(tmp_path / "a")
    second = pc.write_corpus(tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second] == [s.filename for s in CORPUS]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(first, second, strict=True))
    assert len({s.filename for s in CORPUS}) == len(CORPUS)
    assert sum(s.malicious for s in CORPUS) == 24


def _stdlib_data() -> dict[str, object]:
    import collections
    import datetime
    import decimal

    rec: list[object] = [1, 2]
    rec.append(rec)
    return {"od": collections.OrderedDict(a=1), "s": {1, 2}, "fs": frozenset({3}),
            "dt": datetime.datetime(2024, 1, 2, 3, 4, 5), "d": decimal.Decimal("1.5"),
            "ba": bytearray(b"xy"), "b": b"\x00\xff" * 100, "c": complex(1, 2),
            "r": range(3), "sl": slice(1, 2), "rec": rec, "long_text": "x" * 100_000,
            "long_bytes": b"y" * 300_000, "t": (1, 2.5, None, True), "neg": -(2**70),
            "u": "é\n", "dd": collections.defaultdict(list, a=[1]),
            "dq": collections.deque([1])}


@pytest.mark.parametrize("protocol", range(6))
def test_cpython_pickles_of_plain_data_parse_completely(protocol: int) -> None:
    import pickle

    data = pickle.dumps(_stdlib_data(), protocol=protocol)  # data only, no callables
    result = analyse(data, timeout=5)
    assert result.error is None
    assert result.streams == 1
    assert {g.classification for g in result.globals} == {"safe"}
    assert ("collections", "OrderedDict") in {(g.module, g.name) for g in result.globals}
