"""The context labeller: quotation, attribution, continuity, cue labels, the author's voice."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

from bot.analysis.attribution import find_attribution
from bot.analysis.labels import confidence, label_alone, label_margin, label_sentences
from bot.analysis.sentences import segment
from bot.models import Article, Block, LabelledSentence

THRESHOLD = 0.5


def neutral(texts: list[str]) -> list[float]:
    """A fake model that has no opinion: every sentence sits exactly on the threshold."""
    return [THRESHOLD] * len(texts)


def run(*paragraphs: str | Block, scores: list[float] | None = None) -> list[LabelledSentence]:
    """Label an article made of the given paragraphs with the neutral fake model."""
    blocks = tuple(p if isinstance(p, Block) else Block(p) for p in paragraphs)
    article = Article(title="", blocks=blocks)
    sentences = segment(article)
    texts = [s.text for s in sentences]
    return label_sentences(article, sentences, scores or neutral(texts), THRESHOLD)


def test_blockquote_is_reported_even_when_opinionated() -> None:
    """Text in a quoted block is reported, however strongly worded."""
    out = run(Block("This is an absurd and shameful decision.", quoted=True), scores=[0.95])
    assert out[0].label == "reported"
    assert out[0].sentence.quoted


def test_sentence_inside_quotation_marks_is_reported() -> None:
    """A sentence wholly inside quotation marks is reported."""
    assert run("“We will never accept this terrible deal.”")[0].label == "reported"


def test_attribution_verb_names_the_source() -> None:
    """ "X said in a statement" makes a sentence reported and names X."""
    out = run("Prime Minister Jane Doe said in a statement Friday that talks would resume.")
    assert out[0].label == "reported"
    assert out[0].attribution == "Prime Minister Jane Doe"
    assert out[0].why == "attributed: 'said in a statement'"


def test_according_to_names_the_source() -> None:
    """ "According to X" attributes the sentence to X."""
    out = run("According to the Associated Press, the storm will hit land on Monday.")
    assert (out[0].label, out[0].attribution) == ("reported", "Associated Press")


def test_pronoun_resolves_to_last_named_source() -> None:
    """ "he said" is credited to the last named source."""
    out = run("Senator Tom Reyes said the bill was flawed. It was, he said, “a mess.”")
    assert out[1].attribution == "Senator Tom Reyes"


def test_surname_resolves_to_full_name() -> None:
    """A later surname alone is credited to the full name seen earlier."""
    out = run("Reuters’ Anna Cole noted that prices rose.", "Cole wonders whether it will last.")
    assert out[1].attribution == "Reuters’ Anna Cole"


def test_first_person_inside_a_credited_quote_is_reported() -> None:
    """First person in a sentence credited to a source is the source speaking, not the author."""
    out = run('“We know how to look," she said.', 'We know how to look," she said.')
    assert [o.label for o in out] == ["reported", "reported"]


def test_reported_speech_continues_in_the_paragraph() -> None:
    """A sentence that goes on reporting a source's words stays reported and attributed."""
    out = run(
        "Analyst Maria Lopez noted that the vote was symbolic. They want a pause, for instance."
    )
    assert out[1].label == "reported"
    assert out[1].attribution == "Analyst Maria Lopez"


def test_continuity_stops_at_the_authors_judgement() -> None:
    """An evaluative sentence after a report is the author's opinion, not the source's."""
    out = run("Mayor Bill Ames said the plan works. That claim is absurd and dishonest.")
    assert out[1].label == "opinion"
    assert out[1].attribution is None


def test_opinion_cue_label_makes_opinion() -> None:
    """A sentence opening with "In other words" or "Correction:" is the author's opinion."""
    out = run("In other words, the ministry wants delay.", "Correction: The ministry wants delay.")
    assert [o.label for o in out] == ["opinion", "opinion"]
    assert out[1].why == "cue label 'Correction:'"


def test_prediction_cue_label_makes_prediction() -> None:
    """ "Prediction:" and "Best guess:" mark the author's forecast."""
    out = run("Prediction: The governor will resign by spring.", "Best guess: a long stalemate.")
    assert [o.label for o in out] == ["prediction", "prediction"]
    assert "Prediction:" in out[0].why


def test_future_reference_in_authors_voice_is_prediction() -> None:
    """An unattributed forecast with "will" in an argued piece is the author's prediction."""
    out = run("I think the plan is foolish. The coalition will collapse within a year.")
    assert out[1].label == "prediction"
    assert "future reference" in out[1].why


def test_attributed_forecast_is_reported() -> None:
    """A forecast credited to someone else is reported."""
    out = run("The central bank said inflation will fall next year.")
    assert out[0].label == "reported"


def test_evaluative_language_makes_opinion() -> None:
    """Loaded and evaluative words push an unattributed sentence to opinion."""
    out = run("The decision is irrational and reckless.")
    assert out[0].label == "opinion"
    assert out[0].why.startswith("evaluative language")


def test_first_person_and_rhetorical_question_make_opinion() -> None:
    """First person and rhetorical questions are the author's voice."""
    out = run("We have tolerated this for far too long.", "Who really believes the minister now?")
    assert [o.label for o in out] == ["opinion", "opinion"]
    assert out[1].why == "rhetorical question"


def test_counterfactual_is_opinion_not_prediction() -> None:
    """A counterfactual with "would have" is speculation, not a forecast."""
    out = run("If the senator had resigned, the vote would have passed.")
    assert out[0].label == "opinion"


def test_past_tense_news_is_reported() -> None:
    """A past-tense factual event statement with no signals is reported."""
    out = run("Flooding closed 12 roads in the county on Tuesday.")
    assert out[0].label == "reported"


def test_scheduled_news_event_is_reported() -> None:
    """A dated scheduled event in a news report is reported, not a prediction."""
    out = run("The club confirmed the deal. The new coach will be presented on Friday.")
    assert out[1].label == "reported"


def test_model_score_decides_when_no_rule_fires() -> None:
    """Without rules the calibrated model probability decides, and confidence follows it."""
    out = run(
        "The tax plan favours exporters.", "The tax plan favours exporters.", scores=[0.9, 0.1]
    )
    assert [o.label for o in out] == ["opinion", "reported"]
    assert out[0].confidence > 0.8 and out[1].confidence > 0.8


def test_label_alone_uses_no_context() -> None:
    """label_alone labels one sentence and returns a confidence between 0.5 and 1."""
    label, confidence = label_alone("Police said two people were hurt.", 0.7, THRESHOLD)
    assert label == "reported"
    assert 0.5 <= confidence <= 0.99
    assert label_alone("This is a disgraceful betrayal.", 0.5, THRESHOLD)[0] == "opinion"


def test_labelling_is_fast() -> None:
    """Labelling a 1,000-word article takes well under 50 ms without the model."""
    para = "Senator Ann Bold said the bill will pass. That is absurd. The vote was held on Friday."
    out_time = time.perf_counter()
    run(*([para] * 20))
    assert time.perf_counter() - out_time < 0.05


def test_seed_article_meets_the_bars(shared_seeds: Path) -> None:
    """The seed article: >= 90% of non-ambiguous labels, quoted paragraphs, required predictions."""
    from bot.analysis.subjectivity import load_default_scorer
    from evaluation.seed import article_from_html, article_from_txt, evaluate

    scorer = load_default_scorer()
    for labels_path in shared_seeds.glob("*.labels.json"):
        stem = labels_path.name.removesuffix(".labels.json")
        labels = json.loads(labels_path.read_text(encoding="utf-8"))
        articles = [article_from_txt((shared_seeds / f"{stem}.txt").read_text(encoding="utf-8"))]
        articles.append(article_from_html((shared_seeds / f"{stem}.html").read_text("utf-8")))
        for article in articles:
            result = evaluate(stem, article, labels, scorer)
            assert result.accuracy >= 0.9, result.mismatches
            assert result.quoted_reported == result.quoted_total
            assert result.required_found == result.required_total, result.questions
            assert result.listed_found >= 5, result.questions


def test_we_speaking_for_a_country_does_not_make_news_an_opinion() -> None:
    """A plural "we"/"us" in a news report (a nation, a team) is weak evidence of the author."""
    report = [
        "Britain came 27th in the health ranking, the report said.",
        "Norway came first for the third year running.",
        "The index covers 149 countries and 104 measures.",
        "Its authors said crime data came from national police figures.",
    ]
    news = run(
        *report, "That puts us outside the top 20 for the first time.", scores=[0.2] * 4 + [0.4]
    )
    assert news[4].label == "reported"
    mine = run(
        *report, "That puts me in a gloomy mood for the first time.", scores=[0.2] * 4 + [0.4]
    )
    assert mine[4].label == "opinion"


def test_plainly_argued_column_leans_to_the_author() -> None:
    """When the model finds enough of a piece subjective, its borderline forecasts are the
    author's predictions; the same sentence in a piece the model reads as news stays reported."""
    claim = "Importers in Europe will benefit from the lower price."
    column = [
        "The oil boom is over.",
        "High prices brought investment, and this boom was no different.",
        "Angola is vulnerable.",
        "Venezuela spent the boom on imports.",
        claim,
    ]
    argued = run(*column, scores=[0.6, 0.6, 0.2, 0.2, 0.4])
    assert argued[4].label == "prediction"
    news = run(*column, scores=[0.2, 0.2, 0.2, 0.2, 0.4])
    assert news[4].label == "reported"


def test_short_text_share_does_not_set_the_genre() -> None:
    """Under five sentences one subjective sentence says nothing of the genre: no author lean."""
    claim = "Importers in Europe will benefit from the lower price."
    short = run("The oil boom is over.", "Angola is vulnerable.", claim, scores=[0.6, 0.2, 0.4])
    assert short[2].label == "reported"


def test_sentence_initial_conjunction_is_not_a_source() -> None:
    """ "Yet, fears about ..." and "So think about this" credit no one: the author argues."""
    assert find_attribution("Yet, fears about the vaccine are neither irrational nor odd.") is None
    assert find_attribution("So think about this: who pays for it?") is None
    now = find_attribution("Now Smith says the plan failed.")
    assert now is not None and now.source == "Smith"


def test_narration_rule_needs_an_article() -> None:
    """Past-tense narration counts as news only inside a news article: alone, the model decides."""
    text = "The committee approved the plan in March."
    assert label_alone(text, 0.6, THRESHOLD)[0] == "opinion"
    report = [
        "The council met on Monday, the clerk said.",
        "Officials said the budget was balanced.",
        text,
    ]
    assert run(*report, scores=[0.2, 0.2, 0.6])[2].label == "reported"


def test_lone_label_confidence_follows_the_fitted_scale() -> None:
    """`unspin label` confidence is sigmoid(a * |margin| + b) with the scorer's fitted scale."""
    label, margin = label_margin("The minister resigned on Tuesday.", 0.2, THRESHOLD)
    _, plain = label_alone("The minister resigned on Tuesday.", 0.2, THRESHOLD)
    _, scaled = label_alone("The minister resigned on Tuesday.", 0.2, THRESHOLD, (0.2, 1.0))
    assert label == "reported" and margin < 0
    assert plain == confidence(margin) and scaled == confidence(margin, (0.2, 1.0))
    assert scaled == round(1 / (1 + math.exp(-(0.2 * abs(margin) + 1.0))), 3)
