"""Generate a synthetic ML monorepo for benchmarks.

    python benchmarks/generate.py OUT --projects N [--big] [--no-signatures]

Each project ``OUT/project-NNN/`` gets:

* ``.dvc/config`` (every other project with an insecure remote), 40 ``data/*.csv`` with
  their ``.dvc`` files, and ``dvc.yaml`` + ``dvc.lock`` with 100 outputs (``features/``),
  every md5 the real digest of the written file;
* 10 Terraform files under ``infra/`` (S3 buckets, bucket policies, SageMaker models
  and endpoints; odd-numbered files are insecure);
* 5 Kubernetes manifests under ``k8s/`` and 2 bucket-policy JSON files under
  ``policies/`` (one public);
* 20 model files under ``models/``: 12 safetensors, 5 benign pickles and 3 malicious
  pickles assembled opcode by opcode (no callable is ever pickled; the payloads would
  only touch a marker file under /tmp if someone loaded them), plus a small serving
  module.

Signatures (model-signing 1.1, with the examples' demo ECDSA P-256 key): in each
project ``model-00`` .. ``model-05.safetensors`` are signed (``<model>.sig`` beside
them), ``model-06`` is signed and then changed (its signature no longer matches), the
rest are unsigned. The tree root gets ``keys/model-signing.pub`` and a ``.mlscan.yaml``
that trusts it, so a scan verifies every signature for real. Everything except the
``.sig`` files is byte-for-byte deterministic (ECDSA signatures are randomised);
``--no-signatures`` leaves them out.

``--big`` pads the safetensors so the model files total about 1 GB over the whole tree.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))

from generate_models import Ops, safetensors, sklearn_params

N_DATA = 40
N_OUTS = 100
N_TF = 10
N_K8S = 5
N_SAFETENSORS = 12
N_BENIGN = 5
N_MALICIOUS = 3
N_SIGNED = 6  # model-00 .. model-05 signed; model-06 signed, then changed
EXAMPLE_KEYS = Path(__file__).resolve().parent.parent / "examples" / "keys"
BIG_TOTAL = 1 << 30
MARKER = "/tmp/mlscan-bench-marker"  # noqa: S108 - only named in inert payloads


def _write(path: Path, data: bytes | str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    path.write_bytes(raw)
    return hashlib.md5(raw).hexdigest()  # noqa: S324 - DVC content address


def _csv(rng: random.Random, rows: int) -> str:
    lines = ["id,amount,score,label"]
    lines += [f"{i},{rng.randint(1, 9999)},{rng.random():.4f},{rng.randint(0, 1)}"
              for i in range(rows)]
    return "\n".join(lines) + "\n"


def _dvc_config(p: int) -> str:
    if p % 2:
        return (f"[core]\n    remote = store\n['remote \"store\"']\n"
                f"    url = s3://bench-{p:03d}-data/dvc\n    ssl_verify = false\n"
                f"    endpointurl = http://minio.internal:9000\n")
    return (f"[core]\n    remote = store\n['remote \"store\"']\n"
            f"    url = s3://bench-{p:03d}-data/dvc\n")


def _data(root: Path, p: int, rng: random.Random) -> None:
    for j in range(N_DATA):
        name = f"part-{j:03d}.csv"
        content = _csv(rng, 20)
        md5 = _write(root / "data" / name, content)
        _write(root / "data" / f"{name}.dvc",
               f"outs:\n- md5: {md5}\n  size: {len(content)}\n  hash: md5\n  path: {name}\n")
    stages: dict[str, list[tuple[str, str, int]]] = {}
    for k in range(N_OUTS):
        stage = f"featurize_{k // 10:02d}"
        rel = f"features/f-{k:03d}.csv"
        content = _csv(rng, 10)
        stages.setdefault(stage, []).append((rel, _write(root / rel, content), len(content)))
    src = "import sys\n\nprint(sys.argv)\n"
    src_md5 = _write(root / "src" / "featurize.py", src)
    yaml = ["stages:"]
    lock = ["schema: '2.0'", "stages:"]
    for stage, outs in stages.items():
        yaml += [f"  {stage}:", f"    cmd: python src/featurize.py {stage}",
                 "    deps:", "    - src/featurize.py", "    - data", "    outs:"]
        yaml += [f"    - {rel}" for rel, _, _ in outs]
        lock += [f"  {stage}:", f"    cmd: python src/featurize.py {stage}", "    deps:",
                 "    - path: src/featurize.py", "      hash: md5",
                 f"      md5: {src_md5}", f"      size: {len(src)}", "    outs:"]
        for rel, md5, size in outs:
            lock += [f"    - path: {rel}", "      hash: md5", f"      md5: {md5}",
                     f"      size: {size}"]
    _write(root / "dvc.yaml", "\n".join(yaml) + "\n")
    _write(root / "dvc.lock", "\n".join(lock) + "\n")
    _write(root / ".dvc" / "config", _dvc_config(p))
    _write(root / ".dvc" / ".gitignore", "/config.local\n/tmp\n/cache\n")


def _tf(p: int, i: int) -> str:
    b = f"bench-{p:03d}-{i:02d}"
    insecure = i % 2 == 1
    out = [f'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "{b}"\n}}\n']
    if not insecure:
        out.append(
            f'resource "aws_s3_bucket_public_access_block" "b{i}" {{\n'
            f"  bucket                  = aws_s3_bucket.b{i}.id\n"
            "  block_public_acls       = true\n  block_public_policy     = true\n"
            "  ignore_public_acls      = true\n  restrict_public_buckets = true\n}\n")
        out.append(
            f'resource "aws_s3_bucket_server_side_encryption_configuration" "b{i}" {{\n'
            f"  bucket = aws_s3_bucket.b{i}.id\n  rule {{\n"
            "    apply_server_side_encryption_by_default {\n"
            '      sse_algorithm = "aws:kms"\n    }\n  }\n}\n')
        out.append(
            f'resource "aws_s3_bucket_versioning" "b{i}" {{\n'
            f"  bucket = aws_s3_bucket.b{i}.id\n"
            '  versioning_configuration {\n    status = "Enabled"\n  }\n}\n')
    principal = '"*"' if insecure else '{ AWS = "arn:aws:iam::111122223333:root" }'
    out.append(
        f'resource "aws_s3_bucket_policy" "b{i}" {{\n  bucket = aws_s3_bucket.b{i}.id\n'
        "  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{\n"
        f'      Sid       = "Read{i}"\n      Effect    = "Allow"\n'
        f"      Principal = {principal}\n"
        f'      Action    = ["s3:GetObject"]\n'
        f'      Resource  = ["arn:aws:s3:::{b}/*"]\n    }}]\n  }})\n}}\n')
    if i % 3 == 0:
        kms = ("" if insecure else
               '  kms_key_arn        = "arn:aws:kms:eu-west-1:111122223333:key/k"\n')
        out.append(
            f'resource "aws_sagemaker_model" "m{i}" {{\n  name               = "{b}"\n'
            '  execution_role_arn = "arn:aws:iam::111122223333:role/sagemaker"\n'
            "  primary_container {\n"
            '    image          = "763104351884.dkr.ecr.eu-west-1.amazonaws.com/'
            'pytorch-inference:2.1-cpu-py310"\n'
            f'    model_data_url = "s3://{b}/model.tar.gz"\n  }}\n}}\n')
        out.append(
            f'resource "aws_sagemaker_endpoint_configuration" "m{i}" {{\n'
            f'  name = "{b}"\n{kms}'
            "  production_variants {\n    variant_name           = \"primary\"\n"
            f"    model_name             = aws_sagemaker_model.m{i}.name\n"
            "    initial_instance_count = 1\n    instance_type          = \"ml.c5.xlarge\"\n"
            "  }\n}\n")
        out.append(
            f'resource "aws_sagemaker_endpoint" "m{i}" {{\n  name                 = "{b}"\n'
            f"  endpoint_config_name = aws_sagemaker_endpoint_configuration.m{i}.name\n}}\n")
    return "\n".join(out)


def _k8s(p: int, i: int) -> str:
    insecure = i % 2 == 1
    sec = ("        securityContext:\n          privileged: true\n" if insecure else
           "        securityContext:\n          runAsNonRoot: true\n"
           "          readOnlyRootFilesystem: true\n"
           "          allowPrivilegeEscalation: false\n")
    tag = "latest" if insecure else "1.4.2"
    return (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
        f"  name: serve-{p:03d}-{i}\n  namespace: ml\nspec:\n  replicas: 2\n"
        f"  selector:\n    matchLabels:\n      app: serve-{p:03d}-{i}\n"
        f"  template:\n    metadata:\n      labels:\n        app: serve-{p:03d}-{i}\n"
        "    spec:\n      containers:\n      - name: model\n"
        f"        image: registry.example.com/ml/serve:{tag}\n"
        "        ports:\n        - containerPort: 8080\n" + sec
    )


def _policy(p: int, i: int) -> str:
    principal: object = "*" if i == 1 else {"AWS": "arn:aws:iam::111122223333:root"}
    doc = {"Version": "2012-10-17", "Statement": [{
        "Sid": f"Access{i}", "Effect": "Allow", "Principal": principal,
        "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": [f"arn:aws:s3:::bench-{p:03d}-data", f"arn:aws:s3:::bench-{p:03d}-data/*"],
    }]}
    return json.dumps(doc, indent=2) + "\n"


def _malicious(k: int) -> bytes:
    params = sklearn_params(100 + k, ["a", "b", "c"], ["0", "1"])
    if k == 0:
        ops = Ops(2).global_("os", "system").call1(f"touch {MARKER}")
    elif k == 1:
        ops = Ops(4).stack_global("builtins", "exec").call1(f"open({MARKER!r}, 'w').close()")
    else:
        ops = Ops(2).global_("subprocess", "call").call1(["touch", MARKER])
    return ops.raw(b"0").value(params).stop()


def _models(root: Path, p: int, rng: random.Random, pad: int) -> None:
    for k in range(N_SAFETENSORS):
        tensors: dict[str, tuple[tuple[int, ...], list[float]]] = {
            "fc.weight": ((4, 8), [round(rng.uniform(-1, 1), 4) for _ in range(32)]),
            "fc.bias": ((4,), [round(rng.uniform(-1, 1), 4) for _ in range(4)]),
        }
        if pad:
            n = pad // 4
            # deterministic, cheap filler: one random block repeated
            block = random.Random(p * 1000 + k).randbytes(1 << 20)  # noqa: S311
            reps, rest = divmod(n * 4, len(block))
            filler = block * reps + block[:rest]
            data = safetensors(tensors, {"format": "pt"})
            hlen = struct.unpack("<Q", data[:8])[0]
            header = json.loads(data[8:8 + hlen])
            end = max(v["data_offsets"][1] for key, v in header.items()
                      if key != "__metadata__")
            header["embedding"] = {"dtype": "F32", "shape": [n],
                                   "data_offsets": [end, end + n * 4]}
            text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
            text += b" " * (-len(text) % 8)
            raw = struct.pack("<Q", len(text)) + text + data[8 + hlen:] + filler
        else:
            raw = safetensors(tensors, {"format": "pt", "model": f"m{k}"})
        _write(root / "models" / f"model-{k:02d}.safetensors", raw)
    for k in range(N_BENIGN):
        params = sklearn_params(10 * p + k, ["a", "b", "c", "d"], ["0", "1"])
        _write(root / "models" / f"baseline-{k:02d}.pkl", Ops(4).value(params).stop())
    for k in range(N_MALICIOUS):
        _write(root / "models" / f"legacy-{k:02d}.pkl", _malicious(k))
    _write(root / "serving" / "app.py",
           "import pickle\n\n\ndef load(path):\n    with open(path, 'rb') as fh:\n"
           "        return pickle.load(fh)\n")


def project(out: Path, p: int, big_pad: int) -> None:
    root = out / f"project-{p:03d}"
    rng = random.Random(p)  # noqa: S311 - deterministic test data
    _data(root, p, rng)
    for i in range(N_TF):
        _write(root / "infra" / f"stack_{i:02d}.tf", _tf(p, i))
    for i in range(N_K8S):
        _write(root / "k8s" / f"serving-{i}.yaml", _k8s(p, i))
    for i in range(2):
        _write(root / "policies" / f"bucket-{i}.json", _policy(p, i))
    _models(root, p, rng, big_pad)
    _write(root / "README.md", f"# project {p:03d}\n\nSynthetic benchmark project.\n")


def sign_models(out: Path, projects: int) -> None:
    """Sign each project's first models with the demo key; sign one more, then change it."""
    from model_signing import hashing, signing

    config = signing.Config().use_elliptic_key_signer(
        private_key=EXAMPLE_KEYS / "example-signing-key.pem"
    ).set_hashing_config(hashing.Config().set_ignored_paths(paths=[], ignore_git_paths=False))
    for p in range(projects):
        models = out / f"project-{p:03d}" / "models"
        for k in range(N_SIGNED + 1):
            model = models / f"model-{k:02d}.safetensors"
            config.sign(model, model.with_name(model.name + ".sig"))
        tampered = models / f"model-{N_SIGNED:02d}.safetensors"
        data = bytearray(tampered.read_bytes())
        data[-1] ^= 0xFF  # one weight byte flipped after signing
        tampered.write_bytes(bytes(data))
    _write(out / "keys" / "model-signing.pub", (EXAMPLE_KEYS / "model-signing.pub").read_bytes())
    _write(out / ".mlscan.yaml", "signing:\n  trusted_keys: [keys/model-signing.pub]\n")


def generate(out: Path, projects: int, big: bool = False, signatures: bool = True) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    pad = BIG_TOTAL // (projects * N_SAFETENSORS) if big else 0
    for p in range(projects):
        project(out, p, pad)
    if signatures:
        sign_models(out, projects)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--projects", type=int, default=1)
    ap.add_argument("--big", action="store_true", help="about 1 GB of model files in total")
    ap.add_argument("--no-signatures", action="store_true", help="leave every model unsigned")
    args = ap.parse_args(argv)
    generate(args.out, args.projects, args.big, signatures=not args.no_signatures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
