"""Held-out summary scores: standard errors of mean ROUGE and K-fold cross-validation of the word
model on gold stories (a real NeuS-AllSides sample), so that tuning need not touch the val split."""
from __future__ import annotations

import json

import pytest

from newsweave.evaluate import summary as S
from newsweave.summarise import model

from conftest import DATA

NEUS = DATA / "compare" / "neus-val-40.jsonl"
SETTINGS = {k: model()[k] for k in ("length_scale", "quote", "question", "vague")}


@pytest.fixture(scope="module")
def gold():
    stories = S.read_gold(str(NEUS))
    return stories, S.analyse_gold(stories)


def test_standard_error_is_the_sample_deviation_over_root_n():
    rows = [{"rouge1": 0.2, "rouge2": 0.1}, {"rouge1": 0.4, "rouge2": 0.1}, {"rouge1": 0.6, "rouge2": 0.1}]
    se = S.standard_error(rows)
    assert se["rouge1"] == pytest.approx(0.2 / 3 ** 0.5, abs=1e-4)  # sample sd 0.2
    assert se["rouge2"] == 0.0
    assert S.standard_error(rows[:1]) == {"rouge1": 0.0, "rouge2": 0.0}


def test_evaluate_reports_the_standard_error_of_its_means(gold):
    stories, analyses = gold
    result = S.evaluate(stories, analyses)
    se = result["newsweave_se"]
    assert set(se) == {"rouge1", "rouge2", "rougeL"}
    # 40 stories whose ROUGE-1 spreads over about 0.1-0.7: a standard error of one to three points
    assert 0.01 < se["rouge1"] < 0.03 and 0.01 < se["rouge2"] < 0.04


def test_cross_validation_scores_every_story_once_with_a_model_fit_on_the_other_folds(gold):
    stories, analyses = gold
    result = S.cross_validate(stories, analyses, 4, SETTINGS)
    assert result["stories"] == 40 and result["folds"] == 4
    assert [(f["fit_on"], f["scored"]) for f in result["per_fold"]] == [(30, 10)] * 4
    # the first fold is stories 0, 4, 8, … summarised with a model fit on the other 30 only
    held_out = S.evaluate(stories[0::4], analyses,
                          weights=S.fit([s for i, s in enumerate(stories) if i % 4], analyses, SETTINGS))
    assert result["per_fold"][0]["newsweave"] == held_out["newsweave"]
    # equal folds: the held-out mean is the mean of the folds' means
    for key in ("rouge1", "rouge2"):
        assert result["newsweave"][key] == pytest.approx(
            sum(f["newsweave"][key] for f in result["per_fold"]) / 4, abs=2e-4)
    # a word model fit on 30 stories still beats the lead baseline on the stories it has not seen
    lead = S.evaluate(stories, analyses)["lead_baseline"]
    assert result["newsweave"]["rouge1"] > lead["rouge1"] + 0.02
    with pytest.raises(ValueError, match="folds"):
        S.cross_validate(stories, analyses, 1, SETTINGS)


def test_cv_command_prints_held_out_scores_and_wants_out_or_cv(capsys):
    S.main(["--cv", "2", str(NEUS)])
    out = json.loads(capsys.readouterr().out)
    assert out["folds"] == 2 and out["stories"] == 40
    assert set(out["newsweave"]) == set(out["newsweave_se"]) == {"rouge1", "rouge2", "rougeL"}
    with pytest.raises(SystemExit):
        S.main([str(NEUS)])  # neither OUT.json nor --cv
    with pytest.raises(SystemExit):
        S.main(["--cv", "1", str(NEUS)])
