"""Write the small benign PyTorch files committed under tests/fixtures/torch/.

    python benchmarks/make_torch_fixtures.py

torch is too large for CI, so these few files, written by real ``torch.save`` from tiny
modules defined here, are committed instead (a few KiB each). The evasion corpus
(tests/model_corpus.py) uses them as benign samples: no false alarm on what torch writes.
"""

from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "torch"


def main() -> int:
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
    for p in sorted(OUT.iterdir()):
        print(p.name, p.stat().st_size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
