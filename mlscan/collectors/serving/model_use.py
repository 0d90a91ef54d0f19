"""Does Python code load or call a model? Evidence from ``ast`` only (nothing is imported).

* loads: deserialisers and framework loaders (``joblib.load``, ``torch.load``,
  ``load_model``, ``from_pretrained``, ``pipeline(...)``, ``InferenceSession``, ...);
* calls: prediction methods on anything (``.predict``, ``.predict_proba``, ``.generate``),
  generic methods only on a model-like receiver (``model.run``, ``clf.transform``,
  ``pipe(...)``), imported helpers named like inference (``predict(x)``), and hosted-model
  clients (``client.chat.completions.create``).

``model_functions`` closes over the module's own functions: a route that calls a helper
that calls the model reaches the model.
"""

from __future__ import annotations

import ast
import re

LOADERS = frozenset(
    {"load_model", "from_pretrained", "pipeline", "InferenceSession", "load_learner",
     "SentenceTransformer", "YOLO", "Booster", "load_checkpoint", "load_state_dict",
     "read_pickle"}
)  # fmt: skip
LOADER_DOTTED = re.compile(
    r"^(joblib|pickle|cloudpickle|dill|torch|_pickle|cPickle)\.loads?$|"
    r"(^|\.)(pyfunc|sklearn|pytorch|tensorflow|keras|transformers|onnx|xgboost|lightgbm)"
    r"\.load_model$|saved_model\.load$|models\.load_model$|jit\.load$|safetensors.*load_file$"
)
PREDICT_METHODS = frozenset(
    {"predict", "predict_proba", "predict_log_proba", "decision_function", "generate",
     "infer", "inference", "forward", "classify", "embed_query", "embed_documents",
     "encode_batch", "kneighbors"}
)  # fmt: skip
GENERIC_METHODS = frozenset({"run", "transform", "score", "invoke", "__call__", "encode", "call"})
_MODEL_NAME = re.compile(
    r"(?i)(model|clf|classifier|pipe(line)?|predictor|estimator|llm|regressor|detector|"
    r"booster|learner|tagger|recogni[sz]er)"
)
_HELPER_NAME = re.compile(r"^(predict\w*|infer\w*|classify\w*|run_model|score_\w+)$")
# a direct call of a loaded model object: model(x), clf(x), pipe(text), llm(prompt)
_CALLABLE_MODEL = re.compile(
    r"(?i)((model|clf|classifier|predictor|estimator|regressor|detector|llm)\w*|pipe|pipeline|"
    r"\w+_(model|clf|classifier|pipeline|llm))"
)
_HOSTED = re.compile(
    r"(completions|messages|responses|embeddings)\.create$|ChatCompletion\.create$"
)


def dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else node.attr
    if isinstance(node, ast.Call):
        return dotted(node.func) + "()"
    return ""


def loaded_names(tree: ast.AST) -> frozenset[str]:
    """Names assigned from a model loader (``sess = ort.InferenceSession(...)``,
    ``(vec, clf) = pickle.load(f)``): any call on them runs the model."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            ev = call_evidence(node.value)
            if ev is not None and ev.startswith("load:"):
                for target in node.targets:
                    out.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return frozenset(out)


def call_evidence(call: ast.Call, loaded: frozenset[str] = frozenset()) -> str | None:
    """``load:<name>`` / ``call:<name>`` when the call loads or runs a model."""
    func = call.func
    name = dotted(func)
    short = name.rsplit(".", 1)[-1]
    if short in LOADERS or LOADER_DOTTED.search(name):
        return f"load:{name}"
    if name.split(".", 1)[0] in loaded and not name.endswith(("fit", "save", "to")):
        return f"call:{name}"
    if _HOSTED.search(name):
        return f"call:{name}"
    if isinstance(func, ast.Attribute):
        receiver = dotted(func.value)
        if func.attr in PREDICT_METHODS:
            return f"call:{name}"
        if func.attr in GENERIC_METHODS and _MODEL_NAME.search(receiver.rsplit(".", 1)[-1]):
            return f"call:{name}"
    elif isinstance(func, ast.Name):
        if _CALLABLE_MODEL.fullmatch(func.id) and not func.id[0].isupper():
            return f"call:{func.id}"
        if _HELPER_NAME.match(func.id):
            return f"call:{func.id}"
    return None


def evidence_in(node: ast.AST, loaded: frozenset[str] = frozenset()) -> list[str]:
    """Model evidence in one function or module body, in source order, deduplicated."""
    out: list[str] = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            ev = call_evidence(sub, loaded)
            if ev is not None and ev not in out:
                out.append(ev)
    return out


def model_functions(tree: ast.Module) -> set[str]:
    """Names of the module's functions that reach a model, directly or through each other."""
    loaded = loaded_names(tree)
    funcs = {
        n.name: n
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    calls: dict[str, set[str]] = {}
    reach: set[str] = set()
    for name, fn in funcs.items():
        called = {
            c.func.id if isinstance(c.func, ast.Name) else c.func.attr
            for c in ast.walk(fn)
            if isinstance(c, ast.Call) and isinstance(c.func, ast.Name | ast.Attribute)
        }
        calls[name] = called & set(funcs)
        if any(e.startswith("call:") for e in evidence_in(fn, loaded)):
            reach.add(name)
    changed = True
    while changed:
        changed = False
        for name, called in calls.items():
            if name not in reach and called & reach:
                reach.add(name)
                changed = True
    return reach


def reaches_model(
    fn: ast.FunctionDef | ast.AsyncFunctionDef,
    helpers: set[str],
    loaded: frozenset[str] = frozenset(),
) -> list[str]:
    """Evidence that a handler runs a model: its own model calls or calls of helpers that do."""
    out = [e for e in evidence_in(fn, loaded) if e.startswith("call:")]
    for c in ast.walk(fn):
        if isinstance(c, ast.Call) and isinstance(c.func, ast.Name | ast.Attribute):
            name = c.func.id if isinstance(c.func, ast.Name) else c.func.attr
            if name in helpers and name != fn.name and f"via:{name}" not in out:
                out.append(f"via:{name}")
    return out
