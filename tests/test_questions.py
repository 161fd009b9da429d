"""Poll questions: capitalisation, reported claims, conditions, long subjects, quoted speakers."""

from __future__ import annotations

from bot.analysis.labels import label_sentences
from bot.analysis.predictions import find_predictions
from bot.analysis.questions import clean_claim, ordinary_words, split_condition, to_question
from bot.analysis.sentences import segment
from bot.models import Article, Block, Prediction


def predict(*paragraphs: str) -> list[Prediction]:
    """Run segmenting, labelling (with a neutral fake model) and prediction finding."""
    article = Article(title="", blocks=tuple(Block(p) for p in paragraphs))
    sentences = segment(article)
    labelled = label_sentences(article, sentences, [0.5] * len(sentences), 0.5)
    return find_predictions(article, labelled)


def ask(sentence: str, context: str = "") -> str:
    """The question for one forecast sentence, with the words of an article around it."""
    condition, _ = split_condition(sentence)
    ordinary = ordinary_words([context, sentence])
    return to_question(clean_claim(sentence), condition, ordinary=ordinary)


def test_ordinary_sentence_initial_word_is_lower_cased() -> None:
    """A capital that only marks the start of the sentence is dropped after "Will"."""
    context = "Monthly ridership has grown since the pilot began."
    assert ask("Ridership will fall next year.", context) == "Will ridership fall next year?"
    assert ask("Prediction: Tolls will rise again.", "The tolls went up.") == (
        "Will tolls rise again?"
    )


def test_names_keep_their_capitals() -> None:
    """Names and words the article always capitalises stay capitalised."""
    context = "The club said Kilmarnock had agreed terms with Gary Locke."
    assert ask("Kilmarnock will confirm the deal on Friday.", context) == (
        "Will Kilmarnock confirm the deal on Friday?"
    )
    assert ask("Gary Locke will sign a new contract.", context).startswith("Will Gary Locke sign")


def test_common_noun_endings_are_lower_cased_without_context() -> None:
    """Without article context, plural and abstract nouns at the start are not taken for names."""
    assert to_question("Researchers will publish the data in June.") == (
        "Will researchers publish the data in June?"
    )


def test_condition_then_capitalised_common_word() -> None:
    """After a leading condition the subject is lower-cased unless it is a name."""
    assert ask("If the army withdraws, Extremists will take the valley.", "the extremists") == (
        "If the army withdraws, will extremists take the valley?"
    )
    assert ask("If the talks fail, Germany will leave the bloc.", "the talks") == (
        "If the talks fail, will Germany leave the bloc?"
    )


def test_reported_warning_asks_about_the_embedded_claim() -> None:
    """ "Their report warns that X could Y" asks "Will X Y?" and credits the named researchers."""
    found = predict(
        "Economists at Northfield College said tolls had doubled in two years. "
        "Their study warns that higher tolls could push drivers onto side streets within months."
    )
    assert len(found) == 1
    assert found[0].question == "Will higher tolls push drivers onto side streets within months?"
    assert found[0].by == "Economists at Northfield College"


def test_possessive_report_without_a_named_source_stays_generic() -> None:
    """With no earlier named source, "His report" is credited to the report, not to "His"."""
    found = predict("His report warns that the dam could fail in a flood.")
    assert found and found[0].by == "report"


def test_non_restrictive_clause_is_dropped_from_the_subject() -> None:
    """ "Wright, who had seven seasons at the club, will present" asks about Wright."""
    assert to_question("Wright, who had seven seasons at the club, will present the trophy.") == (
        "Will Wright present the trophy?"
    )


def test_restrictive_relative_clause_stays_with_its_noun() -> None:
    """ "one in five savers who retire this year will" keeps the whole noun phrase."""
    question = to_question(
        "It also found that one in five savers who retire this year will carry debts."
    )
    assert question == "Will one in five savers who retire this year carry debts?"


def test_long_asides_are_cut_from_the_question() -> None:
    """A long question loses its dash aside and trailing attribution but keeps the forecast."""
    claim = (
        "Nearly one in five pensioners will live on less than £9,500 a year – the level that "
        "poverty analysts at a think tank identified as the minimum income for a single "
        "pensioner to enjoy a decent life in the country."
    )
    expected = "Will nearly one in five pensioners live on less than £9,500 a year?"
    assert to_question(claim) == expected


def test_quoted_first_person_forecast_names_the_speaker() -> None:
    """A quoted "I will" credited to a source becomes a question about that source."""
    found = predict("“I will run for mayor again next spring,” Councillor Dana Reyes said.")
    assert found[0].by == "Councillor Dana Reyes"
    assert found[0].question == "Will Councillor Dana Reyes run for mayor again next spring?"


def test_negated_expectation_becomes_a_neutral_question() -> None:
    """ "X is not expected to Y" asks "Will X Y?" without taking a side."""
    assert to_question("The storm is not expected to reach the coast.") == (
        "Will the storm reach the coast?"
    )


def test_reported_would_is_a_forecast_but_the_authors_would_is_not() -> None:
    """ "said the plant would close" asks "Will the plant close?"; a bare "would" stays a claim."""
    assert to_question("The owner said the plant would close in May.") == (
        "Will the plant close in May?"
    )
    assert to_question("A tax would be fairer.").startswith("Will this turn out to be true")


def test_compound_forecast_keeps_the_first_clause_within_the_poll_limit() -> None:
    """ "A will X, and B will Y" asks about the first forecast only and fits 300 characters."""
    sentence = (
        "Prediction: fares will rise by the end of next year, and the council will quietly "
        "revisit the subsidy before the election."
    )
    question = ask(sentence, "the fares went up")
    assert question == "Will fares rise by the end of next year?"
    assert len(question) <= 300


def test_stray_quotation_marks_are_removed() -> None:
    """A quotation cut in half by the rewrite leaves no unmatched quotation mark."""
    question = to_question('The law "will cause harm", including to workers.')
    assert question == "Will the law cause harm, including to workers?"


def test_trailing_attribution_is_not_part_of_the_claim() -> None:
    """ "..., analysts said on Monday" and '," said X' are dropped; "what he said" is kept."""
    assert clean_claim("Ridership will fall, analysts said on Monday.") == "Ridership will fall."
    assert clean_claim('"Rates will rise next," said Ana Ruiz, a former banker.') == (
        "Rates will rise next."
    )
    assert clean_claim("He will do what he said.") == "He will do what he said."


def test_second_forecast_with_a_weak_modal_is_dropped() -> None:
    """ "A will X and we might see Y" asks about A only."""
    claim = clean_claim("The rebels will attack in spring and we might see a long siege.")
    assert to_question(claim) == "Will the rebels attack in spring?"


def test_never_becomes_ever_and_noun_will_is_no_subject() -> None:
    """ "will never" asks "ever"; "spoke of plans to" has no subject to ask about."""
    assert to_question("The town will never be the same again.") == (
        "Will the town ever be the same again?"
    )
    assert to_question("He never spoke of plans to leave the party.").startswith(
        "Will this turn out to be true"
    )


def test_if_not_all_is_no_condition_and_leading_said_is_dropped() -> None:
    """ "most if not all" is not a condition; 'He said, "..."' keeps only the words said."""
    condition, _ = split_condition("Most if not all devices will be compatible.")
    assert condition is None
    assert clean_claim('He said, "Prices will fall next year."') == "Prices will fall next year."


def test_expectations_without_a_future_verb_become_questions() -> None:
    """ "expects X to Y", "X is expected" and "X is still possible" ask about X."""
    assert to_question("The chief executive expects the launch to go smoothly.") == (
        "Will the launch go smoothly?"
    )
    assert to_question("Heavy rain is expected as the front moves east.") == (
        "Will there be heavy rain as the front moves east?"
    )
    assert to_question("A lawyer said a settlement is still possible.") == (
        "Will there be a settlement?"
    )


def test_a_later_future_verb_is_used_when_the_first_has_no_subject() -> None:
    """A forecast in a relative clause is skipped for the main clause's future verb."""
    claim = "The telescope, which will carry a new camera, will not be launched until 2030."
    assert to_question(claim) == "Will the telescope be launched until 2030?"


def test_the_only_forecast_clause_is_kept_and_dates_are_not_modals() -> None:
    """ "X said A and would B" keeps B; "voters on May 7" is a subject, not a modal."""
    assert clean_claim("The organiser said the camp was lawful and would remain.") == (
        "The organiser said the camp was lawful and would remain."
    )
    assert to_question("Those voting on May 7 will decide the next government.") == (
        "Will those voting on May 7 decide the next government?"
    )


def test_trailing_vowed_or_told_and_empty_questions() -> None:
    """'," vowed protester Jo Bell' and ', he told Radio Sur during ...' are dropped; "what his
    duties will be" gives no "Will his duties be?"."""
    assert clean_claim('"We will carry on," vowed protester Jo Bell, who was there.') == (
        "We will carry on."
    )
    assert clean_claim('"It will be a chance," Ruiz told Ana Lima during an interview.') == (
        "It will be a chance."
    )
    assert not to_question("It is unknown what his duties will be.").startswith("Will his")


def test_subjects_across_whose_and_coordination() -> None:
    """ "people whose rights were violated" and "lives and economies" are whole subjects; "Sales
    are up and prices will" asks about prices."""
    context = "young people protested"
    assert ask("Young people whose rights were violated will be silent no more.", context) == (
        "Will young people whose rights were violated be silent no more?"
    )
    assert to_question("The US and Britain will withdraw by May.") == (
        "Will the US and Britain withdraw by May?"
    )
    assert to_question("Sales are up and prices will fall.") == "Will prices fall?"


def test_verb_phrases_and_comma_subjects_are_not_asked_about() -> None:
    """A subject that is a verb phrase, or a long one closed by a comma, gives the quoted form."""
    for claim in (
        "The few that do indeed make the grade will then embark on a journey.",
        "Those who complete the training, will have excellent prospects.",
    ):
        assert to_question(claim).startswith("Will this turn out to be true")


def test_there_are_people_who_will() -> None:
    """ "There are millions more who will not finish school" asks about the millions."""
    assert to_question("There are millions more who will not finish school.") == (
        "Will millions more finish school?"
    )


def test_indirect_questions_so_far_and_adverbial_once() -> None:
    """ "how the room will look" asks nothing; "So far" keeps "far"; "Once costly; ..." is no
    condition; "he hopes the film will help" asks about the film."""
    assert to_question("Users can see how the room will look.").startswith("Will this turn out")
    assert clean_claim("So far, only Norway will vote.") == "So far, only Norway will vote."
    condition, _ = split_condition("Once costly; now cheap, the kit will sell well.")
    assert condition is None
    assert to_question("He hopes the film will help the public.") == (
        "Will the film help the public?"
    )


def test_lists_plans_aims_and_estimates() -> None:
    """A place list before "were warned" is no subject, "X announced plans to" asks about X,
    "the aim of X is to" is no plan, and "estimated there would be" asks "Will there be"."""
    claim = clean_claim(
        "People near Onslow, Roebourne and Wickham were warned the storm could cause gales."
    )
    assert to_question(claim) == "Will the storm cause gales?"
    assert to_question("President Ana Ruiz announced plans to cut taxes by May.") == (
        "Will President Ana Ruiz cut taxes by May?"
    )
    assert to_question("The aim of these blasts is to stoke strife.").startswith(
        "Will this turn out"
    )
    assert to_question("They estimated there would be an inch of rain.") == (
        "Will there be an inch of rain?"
    )


def test_asides_pronoun_clauses_and_quoted_examples() -> None:
    """ "The panel, set up by X, will" asks about the panel; "... and we will" asks about "we";
    'will coo: "..."' drops the quoted example."""
    assert to_question("The panel, set up by the council and Cosla, will report in May.") == (
        "Will the panel report in May?"
    )
    assert to_question("Vote for us and we will cut taxes.") == "Will we cut taxes?"
    assert to_question('Critics will coo: "What a film."') == "Will critics coo?"
