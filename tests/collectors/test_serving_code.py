"""serving_code facts (AST) and MLS-SRV-005."""

from __future__ import annotations

import textwrap
from pathlib import Path

from mlscan.collectors.base import CollectContext
from mlscan.collectors.serving.code import ServingCodeCollector, calls_in_source
from mlscan.config import Config
from mlscan.hashing import DigestService
from mlscan.scan import ScanOptions, run
from mlscan.workspace import Workspace

UNSAFE = textwrap.dedent("""\
    import pickle as pk
    import cPickle
    import torch
    import yaml
    import numpy as np
    import dill, cloudpickle
    import pandas as pd
    from joblib import load
    from pickle import loads as unpickle
    from torch import load as tload


    def predict(path, blob):
        m1 = pk.load(open(path, "rb"))
        m2 = unpickle(blob)
        m3 = load(path)
        w = torch.load(path)
        w2 = tload(path, weights_only=False)
        cfg = yaml.load(open("c.yaml"), Loader=yaml.Loader)
        cfg2 = yaml.load(open("c.yaml"))
        cfg3 = yaml.unsafe_load(open("c.yaml"))
        arr = np.load("a.npy", allow_pickle=True)
        d = dill.loads(blob)
        c = cloudpickle.load(open(path, "rb"))
        df = pd.read_pickle("df.pkl")
        old = cPickle.loads(blob)
        return m1, m2, m3, w, w2, cfg, cfg2, cfg3, arr, d, c, df, old
    """)

SAFE = textwrap.dedent("""\
    import json
    import pickle
    import torch
    import yaml
    import numpy as np
    from yaml import SafeLoader, load as yload
    from safetensors.torch import load_file


    def predict(path):
        w = torch.load(path, weights_only=True)
        cfg = yaml.safe_load(open("c.yaml"))
        cfg2 = yaml.load(open("c.yaml"), Loader=yaml.SafeLoader)
        cfg3 = yload(open("c.yaml"), SafeLoader)
        cfg4 = yaml.load(open("c.yaml"), yaml.CSafeLoader)
        arr = np.load("a.npy")
        arr2 = np.load("a.npy", allow_pickle=False)
        data = pickle.dumps({"a": 1})
        model = self_load(path)
        return w, cfg, cfg2, cfg3, cfg4, arr, arr2, data, model, load_file(path), json.load(path)


    def self_load(p):
        return p
    """)


def test_calls_with_positions_and_aliases() -> None:
    calls = calls_in_source(UNSAFE, "serve/app.py")
    got = [(c["api"], c["written"], c["loc"]["line"], c["loc"]["col"]) for c in calls]
    assert got == [
        ("pickle.load", "pk.load", 14, 10),
        ("pickle.loads", "unpickle", 15, 10),
        ("joblib.load", "load", 16, 10),
        ("torch.load", "torch.load", 17, 9),
        ("torch.load", "tload", 18, 10),
        ("yaml.load", "yaml.load", 19, 11),
        ("yaml.load", "yaml.load", 20, 12),
        ("yaml.unsafe_load", "yaml.unsafe_load", 21, 12),
        ("numpy.load", "np.load", 22, 11),
        ("dill.loads", "dill.loads", 23, 9),
        ("cloudpickle.load", "cloudpickle.load", 24, 9),
        ("pandas.read_pickle", "pd.read_pickle", 25, 10),
        ("cPickle.loads", "cPickle.loads", 26, 11),
    ]
    args = {(c["api"], c["loc"]["line"]): c["arguments"] for c in calls}
    assert args[("torch.load", 17)] == {"weights_only": None}
    assert args[("torch.load", 18)] == {"weights_only": False}
    assert args[("yaml.load", 19)] == {"loader": "yaml.Loader"}
    assert args[("yaml.load", 20)] == {"loader": None}
    assert args[("numpy.load", 22)] == {"allow_pickle": True}
    first = calls[0]["loc"]
    assert first == {"path": "serve/app.py", "line": 14, "col": 10, "end_line": 14,
                     "end_col": 35}


def test_safe_variants_are_recorded_with_their_arguments() -> None:
    calls = calls_in_source(SAFE, "serve/safe.py")
    got = [(c["api"], c["loc"]["line"], c["arguments"]) for c in calls]
    assert got == [
        ("torch.load", 11, {"weights_only": True}),
        ("yaml.load", 13, {"loader": "yaml.SafeLoader"}),
        ("yaml.load", 14, {"loader": "yaml.SafeLoader"}),
        ("yaml.load", 15, {"loader": "yaml.CSafeLoader"}),
        ("numpy.load", 16, {"allow_pickle": None}),
        ("numpy.load", 17, {"allow_pickle": False}),
    ]


def project(root: Path) -> None:
    files = {
        "serve/app.py": UNSAFE,
        "serve/safe.py": SAFE,
        "tests/test_app.py": "import pickle\npickle.loads(b'')\n",
        "serve/test_helpers.py": "import pickle\npickle.loads(b'')\n",
        "serve/conftest.py": "import pickle\npickle.loads(b'')\n",
        "serve/broken.py": "def broken(:\n    pickle.loads(x)\n",
        "serve/plain.py": "print('no deserialisation here')\n",
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_collector_skips_tests_and_reports_bad_source(tmp_path: Path) -> None:
    project(tmp_path)
    ws = Workspace.discover(tmp_path)
    ctx = CollectContext.create(ws, config=Config(), digests=DigestService(ws))
    out = ServingCodeCollector().collect(ws, ctx)
    assert {c["loc"]["path"] for c in out.facts["calls"]} == {"serve/app.py", "serve/safe.py"}
    # the parse cache owns the one notification of a file that does not parse
    assert out.notifications == ()
    assert [(n.path, n.line, n.source) for n in ctx.parsed.notifications] == [
        ("serve/broken.py", 1, "parse")]
    assert out.files == ("serve/app.py", "serve/safe.py")


def test_srv_005_findings_exact(tmp_path: Path) -> None:
    project(tmp_path)
    result = run(ScanOptions(paths=(str(tmp_path),)))
    got = sorted((f.control.id, f.location.path, f.location.start_line, f.location.start_col)
                 for f in result.findings if f.control.id == "MLS-SRV-005")
    assert got == [("MLS-SRV-005", "serve/app.py", line, col) for line, col in [
        (14, 10), (15, 10), (16, 10), (17, 9), (18, 10), (19, 11), (20, 12), (21, 12),
        (22, 11), (23, 9), (24, 9), (25, 10), (26, 11)]]
    msgs = {f.location.start_line: f.message for f in result.findings
            if f.control.id == "MLS-SRV-005"}
    off_path = ("; not reached from any model-server entry point in the repository "
                "(pipeline, script or helper code)")  # serve/app.py is no web app here
    assert msgs[17] == ("serve/app.py calls torch.load (torch.load): "
                        "weights_only=True is not set" + off_path)
    assert msgs[15] == ("serve/app.py calls pickle.loads (unpickle): it unpickles its input"
                        + off_path)
    assert msgs[19] == ("serve/app.py calls yaml.load (yaml.load): no safe Loader is given"
                        + off_path)
    assert {f.severity for f in result.findings if f.control.id == "MLS-SRV-005"} == {"low"}


def test_scope_and_occurrence_identify_calls_without_lines() -> None:
    src = textwrap.dedent("""\
        import pickle


        class Model:
            def load(self, blob):
                first = pickle.loads(blob)
                return first, pickle.loads(blob)


        CACHE = pickle.loads(b"")
        """)
    calls = calls_in_source(src, "m.py")
    assert [(c["scope"], c["occurrence"], c["loc"]["line"]) for c in calls] == [
        ("Model.load", 1, 6), ("Model.load", 2, 7), ("<module>", 1, 10)]
    moved = calls_in_source("# a new comment\n\n" + src, "m.py")
    assert [(c["scope"], c["occurrence"]) for c in moved] == [
        (c["scope"], c["occurrence"]) for c in calls]


def test_srv_005_fingerprint_survives_moved_lines(tmp_path: Path) -> None:
    (tmp_path / "serve").mkdir()
    app = tmp_path / "serve" / "app.py"
    app.write_text("import pickle\n\ndef f(b):\n    return pickle.loads(b)\n")
    before = [f.fingerprint for f in run(ScanOptions(paths=(str(tmp_path),))).findings
              if f.control.id == "MLS-SRV-005"]
    app.write_text("import pickle\n# moved\n\n\ndef f(b):\n    return pickle.loads(b)\n")
    after = [(f.fingerprint, f.location.start_line)
             for f in run(ScanOptions(paths=(str(tmp_path),))).findings
             if f.control.id == "MLS-SRV-005"]
    assert len(before) == 1
    assert after == [(before[0], 6)]
