"""Write the small benign PyTorch and Keras files committed under tests/fixtures/.

    pip install torch keras   # CPU wheels; not dependencies of mlscan or its tests
    python benchmarks/make_model_fixtures.py

torch and Keras are too large for CI, so these few files, written by the real
``torch.save`` / ``torch.jit.save`` / ``keras.Model.save`` from tiny models defined here,
are committed instead (a few KiB each). The evasion corpus (tests/model_corpus.py) uses
them as benign samples: no false alarm on what these libraries write.
"""

from __future__ import annotations

import os
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
OUT = FIXTURES / "torch"


def main() -> int:
    torch_files()
    keras_files()
    for p in sorted([*OUT.iterdir(), *(FIXTURES / "keras").iterdir()]):
        print(p.relative_to(FIXTURES), p.stat().st_size)
    return 0


def keras_files() -> None:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras
    from keras import layers

    out = FIXTURES / "keras"
    out.mkdir(parents=True, exist_ok=True)
    inp = keras.Input((4,))
    x = layers.Dense(8, activation="relu")(inp)
    x = layers.Dropout(0.1)(x)
    x = layers.BatchNormalization()(x)
    model = keras.Model(inp, layers.Dense(2, activation="softmax")(x))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.save(out / "functional.keras")
    seq = keras.Sequential([keras.Input((3,)), layers.Dense(2), layers.Activation("tanh")])
    seq.save(out / "sequential.keras")
    seq.save(out / "sequential.h5")


def torch_files() -> None:
    import torch

    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    conv = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2))
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    loss = net(torch.ones(1, 4)).sum()
    loss.backward()
    opt.step()
    OUT.mkdir(parents=True, exist_ok=True)
    torch.save(net.state_dict(), OUT / "state_dict.pt")
    torch.save(net.state_dict(), OUT / "state_dict_legacy.pth",
               _use_new_zipfile_serialization=False)
    torch.save(conv.state_dict(), OUT / "conv_bn.bin")
    torch.save({"epoch": 3, "model": net.state_dict(), "optimizer": opt.state_dict(),
                "half": torch.zeros(2, dtype=torch.float16)}, OUT / "checkpoint.ckpt")
    torch.save(net.state_dict(), OUT / "resnet.pth.tar")
    torch.save(net, OUT / "whole_module.pt")  # pickles the torch.nn classes by reference
    torch.jit.save(torch.jit.script(net), OUT / "scripted.pt")


if __name__ == "__main__":
    raise SystemExit(main())
