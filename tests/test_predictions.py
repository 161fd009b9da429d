"""Forecast finding and rewriting forecasts as poll questions with conditions and horizons."""

from __future__ import annotations

from bot.analysis.labels import label_sentences
from bot.analysis.predictions import find_predictions
from bot.analysis.questions import clean_claim, resolve_by, split_condition, to_question
from bot.analysis.sentences import segment
from bot.models import Article, Block, Prediction


def predict(*paragraphs: str, published: str | None = None) -> list[Prediction]:
    """Run segmenting, labelling (with a neutral fake model) and prediction finding."""
    article = Article(title="", blocks=tuple(Block(p) for p in paragraphs), published=published)
    sentences = segment(article)
    labelled = label_sentences(article, sentences, [0.5] * len(sentences), 0.5)
    return find_predictions(article, labelled)


def test_will_becomes_will_question() -> None:
    """ "X will Y" becomes "Will X Y?" with the cue label and hedges stripped."""
    claim = clean_claim("Prediction: The Kurds will likely object to the plan.")
    assert claim == "The Kurds will likely object to the plan."
    assert to_question(claim) == "Will the Kurds object to the plan?"


def test_contraction_and_negation_become_neutral_questions() -> None:
    """ "It’ll be" and "won’t" become neutral "Will ...?" questions."""
    assert to_question("It’ll be an open invitation for rebels.") == (
        "Will it be an open invitation for rebels?"
    )
    assert (
        to_question("The regime won’t survive the winter.") == "Will the regime survive the winter?"
    )


def test_likely_to_becomes_will_question() -> None:
    """ "X is likely to Y" becomes "Will X Y?"."""
    assert to_question("The senator is likely to resign.") == "Will the senator resign?"


def test_question_subject_is_the_clause_before_the_future_verb() -> None:
    """The subject is taken from the forecast's own clause, not the whole sentence before it."""
    assert to_question("Polls suggest that most seats will be lost.") == "Will most seats be lost?"
    assert to_question("I thought the world will end today.") == "Will the world end today?"
    assert to_question("I fear they will come back.") == "Will they come back?"


def test_question_without_future_verb_is_still_a_question() -> None:
    """A forecast without a future verb is asked as a yes/no question about the claim."""
    question = to_question("Going through the motions.")
    assert question.startswith("Will") and question.endswith("?")


def test_questions_fit_a_discord_poll() -> None:
    """Questions are cut to at most 300 characters and still end with a question mark."""
    long_claim = "The council will approve " + "a very long list of projects, " * 20 + "soon."
    question = to_question(long_claim)
    assert len(question) <= 300 and question.endswith("?")


def test_leading_and_trailing_conditions_are_split() -> None:
    """ "If X, Y" and "Y if X" give the condition and the main clause."""
    cond, main = split_condition("If the talks fail, the army will move in.")
    assert cond == "If the talks fail"
    assert main == "The army will move in"
    cond, main = split_condition("Prices will rise if the strike goes on.")
    assert cond == "if the strike goes on"
    assert main == "Prices will rise"


def test_conditional_question_keeps_the_condition() -> None:
    """The poll question of a conditional forecast states the condition first."""
    found = predict("I doubt the plan. If the talks fail, the army will move in.")
    assert found[0].condition == "If the talks fail"
    assert found[0].question == "If the talks fail, will the army move in?"


def test_concessive_tail_is_dropped_from_the_claim() -> None:
    """ "although ..." tails and leading connectives are not part of the claim."""
    assert clean_claim("And voters will be happier, although they won’t say so.") == (
        "Voters will be happier."
    )


def test_horizons_resolve_to_dates_from_the_published_date() -> None:
    """ "by 2030", "next year" and "within six months" become ISO dates; others stay phrases."""
    assert resolve_by("Sales will double by 2030.", None) == "2030-12-31"
    assert resolve_by("Rates will fall next year.", "2024-03-05") == "2025-12-31"
    assert resolve_by("He will quit within six months.", "2024-03-05") == "2024-09-05"
    assert resolve_by("He will quit within six months.", None) == "within six months"
    assert resolve_by("He will quit eventually.", "2024-03-05") is None


def test_authors_predictions_come_first_and_attributed_ones_name_the_source() -> None:
    """The author's forecasts come first; attributed forecasts carry the source in `by`."""
    found = predict(
        "Finance Minister Ana Ruiz said the deficit will shrink next year.",
        "Frankly, I doubt it. Prediction: the deficit will grow.",
        published="2024-01-10",
    )
    assert [p.by for p in found] == ["author", "Finance Minister Ana Ruiz"]
    assert found[1].resolve_by == "2025-12-31"
    assert found[0].question == "Will the deficit grow?"


def test_questions_and_past_events_are_not_forecasts() -> None:
    """Rhetorical questions and past-tense reports yield no predictions."""
    assert predict("Will anyone ever learn?", "The bridge opened in 1990.") == []


def test_news_speculation_and_reported_would_are_forecasts() -> None:
    """ "The death toll may rise" and "declared they would reopen" are found as forecasts."""
    found = predict(
        "Rescuers reached the village on Monday. The death toll may rise as roads reopen.",
        "Both sides declared they would reopen the border crossing.",
    )
    assert [p.question for p in found] == [
        "Will the death toll rise as roads reopen?",
        "Will they reopen the border crossing?",
    ]


def test_noun_will_refusals_and_wishes_are_not_forecasts() -> None:
    """The noun "will", "would not comment", "would like" and "as soon as possible" look nowhere."""
    found = predict(
        "The reform passed by the will of the voters in March.",
        "This milestone was made possible by the will of ordinary people.",
        "Police would not comment on the raid.",
        "The mayor said she would like to thank the volunteers.",
        "Crews worked as fast as possible after the storm hit.",
    )
    assert found == []


def test_group_sources_keep_their_organisation_but_not_a_verb() -> None:
    """ "Acme executives said" credits "Acme executives"; "began to fade, officials say" credits
    "officials", not "fade officials"."""
    found = predict(
        "Acme executives said the new phone will ship in May.",
        "The storm began to fade, officials say, but the flooding will last for days.",
    )
    assert [p.by for p in found] == ["Acme executives", "officials"]


def test_the_title_refers_back_to_the_named_official() -> None:
    """ "The mayor added that ..." is credited to the mayor named earlier."""
    found = predict(
        "Mayor Ana Ortiz said the vote was close. "
        "The mayor added that a reduced fare would remain for students."
    )
    assert found[0].by == "Mayor Ana Ortiz"
    assert found[0].question == "Will a reduced fare remain for students?"


def test_going_to_with_negation_or_adverbs_is_future_but_travel_is_not() -> None:
    """ "is not going to stop" and "is quietly going to try" are forecasts; "going to the polls"
    is not."""
    found = predict(
        "The wars are not going to stop.",
        "The union is quietly going to try again in spring.",
        "Voters are going to the polls in droves.",
    )
    questions = [p.question for p in found]
    assert questions == ["Will the wars stop?", "Will the union try again in spring?"]


def test_reader_asides_are_not_forecasts() -> None:
    """ "As anyone who has shopped lately will know, ..." is an aside, not a forecast."""
    assert predict("As anyone who has shopped lately will know, prices are up.") == []


def test_sentence_final_period_is_not_part_of_the_source() -> None:
    """'..., said Ms Franov.' credits "Ms Franov" without the period."""
    found = predict("“The kits will sell out by June,” said Ms Franov.")
    assert found[0].by == "Ms Franov"


def test_ill_bet_is_a_guess_about_now() -> None:
    """ "I’ll bet they have pens" guesses about the present; it is not a forecast to poll."""
    assert predict("I’ll bet they have pens in the lobby.") == []


def test_trailing_present_tense_say_is_cut_from_the_claim() -> None:
    """ ", analysts say" credits the claim to its source; it is not part of what is claimed."""
    assert clean_claim("Prices will fall next year, analysts say.") == "Prices will fall next year."
    assert clean_claim("They say the dam will hold.") == "They say the dam will hold."
