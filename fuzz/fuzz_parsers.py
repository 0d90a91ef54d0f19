"""Coverage-guided fuzzing of mlscan's parsers with atheris.

    python fuzz/fuzz_parsers.py TARGET [libFuzzer flags, e.g. -atheris_runs=10000]
    python fuzz/fuzz_parsers.py --list

TARGET is one of fuzz/targets.py's TARGETS (dvc-config, compose, pickle, ...). Each
input is written as the target's file into a scratch workspace and every registered
collector that applies runs on it; an exception that escapes a collector is a crash.
The seed corpus is the target's example files. See docs/fuzzing.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import atheris

from fuzz.targets import TARGETS, Scratch, run_target


def main() -> None:
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help", "--list"):
        print("targets: " + " ".join(sorted(TARGETS)))
        sys.exit(0 if args else 2)
    # Instrument the collectors (imported lazily by run_target) for coverage guidance.
    with atheris.instrument_imports(include=["mlscan"]):
        import mlscan.collectors.registry  # noqa: F401
    name = args.pop(0)
    if name not in TARGETS:
        print(f"unknown target {name!r}; choose one of: {', '.join(sorted(TARGETS))}")
        sys.exit(2)
    target = TARGETS[name]
    scratch = Scratch()
    if not any(not a.startswith("-") for a in args):
        # No corpus directory given: start from the target's example files.
        corpus = scratch.dir / "corpus"
        corpus.mkdir()
        for i, seed in enumerate(s for s in target.seeds if s):
            (corpus / f"seed-{i}").write_bytes(seed)
        args.append(str(corpus))

    def one_input(data: bytes) -> None:
        run_target(name, data, scratch)

    try:
        atheris.Setup([sys.argv[0], *args], one_input)
        atheris.Fuzz()
    finally:
        scratch.close()


if __name__ == "__main__":
    main()
