"""Poll questions: capitalisation, reported claims, conditions, subjects, pronouns, modal forms."""

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


def test_reported_claim_asks_about_what_was_said() -> None:
    """ "X said the company will cut 500 jobs by March" asks about the company, not about X."""
    assert to_question("Analyst Jo Park said the company will cut 500 jobs by March.") == (
        "Will the company cut 500 jobs by March?"
    )


def test_modal_and_intent_forms_ask_the_same_question() -> None:
    """could, may, might, is likely/set/expected/poised to, expects/plans/aims to all ask "Will"."""
    for form in (
        "could",
        "may",
        "might",
        "is likely to",
        "is set to",
        "is expected to",
        "is poised to",
        "is also unlikely to",
        "is planning to",
    ):
        assert to_question(f"The storm {form} reach the coast on Friday.") == (
            "Will the storm reach the coast on Friday?"
        ), form
    for form in ("expects to", "plans to", "aims to", "has vowed to"):
        assert to_question(f"The mayor {form} open the bridge in May.") == (
            "Will the mayor open the bridge in May?"
        ), form


def test_there_will_be_and_negations_stay_neutral() -> None:
    """ "there will be no X" asks about "any X"; "no longer" asks "still"; "won't" drops "not"."""
    assert to_question("There will be no new taxes next year.") == (
        "Will there be any new taxes next year?"
    )
    assert to_question("There could be delays at the border.") == (
        "Will there be delays at the border?"
    )
    assert to_question("The firm will no longer sell petrol cars after 2030.") == (
        "Will the firm still sell petrol cars after 2030?"
    )
    assert to_question("The firm won't sell petrol cars after 2030.") == (
        "Will the firm sell petrol cars after 2030?"
    )


def test_the_authors_stance_and_hedges_are_dropped() -> None:
    """ "will inevitably fail" and "may even be" ask without the author's stance or hedge."""
    assert to_question("The reform will inevitably fail.") == "Will the reform fail?"
    assert to_question("The suspect may even be tied to another shooting.") == (
        "Will the suspect be tied to another shooting?"
    )
    assert to_question("The crowds will see the comet clearly.") == (
        "Will the crowds see the comet clearly?"
    )


def test_pronoun_after_a_named_source_is_resolved_when_it_agrees() -> None:
    """ "The company said it will" asks about the company, "Yengich said he would" about Yengich;
    a dummy "it" or a pronoun that does not agree with the source is left alone."""
    assert to_question("The company said it will cut 500 jobs by March.") == (
        "Will the company cut 500 jobs by March?"
    )
    assert to_question("Yengich said he would not speak about the case.") == (
        "Will Yengich speak about the case?"
    )
    assert to_question("Ana Ruiz said it will be difficult to win the seat.") == (
        "Will it be difficult to win the seat?"
    )
    assert to_question("The council said he will resign in June.") == "Will he resign in June?"


def test_frames_around_the_forecast_are_dropped() -> None:
    """ "It is hoped", "there is speculation", "I'm sure" and "is now hoping" frame the subject."""
    assert to_question("It is hoped the theatre will reopen in 2018.") == (
        "Will the theatre reopen in 2018?"
    )
    assert to_question("There is speculation the baby might arrive in April.") == (
        "Will the baby arrive in April?"
    )
    assert to_question("I'm sure the team's going to do well.") == "Will the team do well?"
    assert to_question("The charity is now hoping the scheme will be rolled out in schools.") == (
        "Will the scheme be rolled out in schools?"
    )


def test_subject_before_a_comma_aside_or_shared_with_and() -> None:
    """ "believe the suspect, described as ..., may" and "England are ... and will" find the
    subject; a long noun phrase before an aside is kept whole."""
    assert to_question(
        "Police believe the suspect, described as a man in his 30s, may be tied to a shooting."
    ) == ("Will the suspect be tied to a shooting?")
    assert to_question("England are in a good place and will win again.") == (
        "Will England win again?"
    )
    assert to_question(
        "Manchester City have apologised to fans and promised to refund tickets."
    ) == ("Will Manchester City refund tickets?")
    assert (
        to_question(
            "The letters of the former Archbishop of North and South America, and leader of the "
            "church, will be published in 2006."
        )
        == "Will the letters of the former Archbishop of North and South America be published "
        "in 2006?"
    )
    assert (
        to_question(
            "Early returns suggest the Freedom and Justice Party, linked to the Brotherhood, is "
            "likely to win 40 percent of the seats."
        )
        == "Will the Freedom and Justice Party win 40 percent of the seats?"
    )


def test_relative_clause_forecasts_ask_about_their_noun() -> None:
    """ "Typhoon Lupit, which is expected to hit" asks about the typhoon and stops where the main
    clause resumes; ", that will" after a list is no relative clause."""
    assert to_question(
        "Crews prepared for Typhoon Lupit, which is expected to hit by Wednesday."
    ) == ("Will Typhoon Lupit hit by Wednesday?")
    assert to_question("Sterling, the winger who will lead the line on Sunday, was fined.") == (
        "Will the winger lead the line on Sunday?"
    )
    assert to_question(
        "Raven pointed to high consumption, especially in rich states, that will lead to disaster."
    ).startswith("Will this turn out")


def test_nouns_that_look_like_verbs_or_quotes_can_be_subjects() -> None:
    """ "Some states", "The speed", "the suspect" and "The pilots' identities" are subjects."""
    assert to_question("Some states will vote in May.") == "Will some states vote in May?"
    assert to_question("The speed could reach 7 megabits per second.") == (
        "Will the speed reach 7 megabits per second?"
    )
    assert to_question("Police said the suspect may flee.") == "Will the suspect flee?"
    assert to_question("The pilots' identities will be released tomorrow.") == (
        "Will the pilots' identities be released tomorrow?"
    )


def test_going_somewhere_and_inverted_subjects_are_not_forecast_subjects() -> None:
    """ "is going to Aintree" is a journey and "Performing at the show will be X" has no subject
    before the verb: neither becomes a garbled question."""
    assert to_question("He is going to Aintree fresh and well.").startswith("Will this turn out")
    assert to_question("Performing at the show will be Lavigne and Fergie.").startswith(
        "Will this turn out"
    )


def test_forecast_things_and_named_expectations() -> None:
    """ "predicts 25 million more hungry children" asks "Will there be"; "expects Vector Arena to
    be completed" asks about the arena; "2.5% predicted by the government" is no forecast object."""
    assert to_question("A new report predicts 25 million more hungry children by 2050.") == (
        "Will there be 25 million more hungry children by 2050?"
    )
    assert to_question("Mr Harvey expects Vector Arena to be completed in time for the final.") == (
        "Will Vector Arena be completed in time for the final?"
    )
    assert to_question("Growth fell short of the 2.5% predicted by the government.").startswith(
        "Will this turn out"
    )
    assert to_question("Meanwhile, a memorial service is planned next week.") == (
        "Will there be a memorial service next week?"
    )


def test_future_in_the_past_after_saying() -> None:
    """ "quoted X as saying Greece would probably not pay" asks "Will Greece pay"."""
    claim = "The magazine quoted the minister as saying Greece would probably not pay the tranche."
    assert to_question(claim) == "Will Greece pay the tranche?"


def test_condition_is_kept_in_front_and_quotes_are_balanced() -> None:
    """A condition stays in front of the question without a stray quotation mark."""
    question = to_question("The dam will fail.", 'If the rain keeps falling."')
    assert question == "If the rain keeps falling, will the dam fail?"
    fallback = to_question('A tax would be "fairer for all.')
    assert fallback.count("“") == fallback.count("”") and '"' not in fallback


def test_long_fallback_is_cut_at_a_clause_and_keeps_its_closing_quote() -> None:
    """A long claim without a clear subject fits 300 characters and closes its quotation."""
    claim = "A tax would be fairer, " + ", ".join(
        f"clause number {k} of a long list" for k in range(20)
    )
    question = to_question(claim)
    assert len(question) <= 300
    assert question.endswith("”?") and question.count("“") == 1


def test_later_pronoun_and_whether_clauses_point_back_to_the_source() -> None:
    """ "X said he ... so he could" and "X hasn't revealed whether he'll" ask about X; a name
    ending in "s" is still one person."""
    assert to_question(
        "Mr Ratcliffe said he was trying to get a visa so he could visit his wife."
    ) == ("Will Mr Ratcliffe visit his wife?")
    assert to_question("Rodgers hasn't revealed whether he'll recall Gerrard for Sunday.") == (
        "Will Rodgers recall Gerrard for Sunday?"
    )
    assert to_question("He said he will resign.") == "Will he resign?"


def test_predicted_clause_is_not_read_as_expects_noun_to() -> None:
    """ "has predicted the PM will be allowed to attend" asks about the PM with its whole verb."""
    assert to_question("Dr Reddy has predicted the PM will be allowed to attend work soon.") == (
        "Will the PM be allowed to attend work soon?"
    )


def test_possessive_plans_modal_expect_and_adverb_asides() -> None:
    """ "Japan's plans to build" asks about Japan, "can expect to earn" about the earner, and
    ", however," or "most if not all" do not hide the subject."""
    assert to_question("China is unhappy with Japan's plans to build a missile shield.") == (
        "Will Japan build a missile shield?"
    )
    assert to_question("An artist on iTunes can expect to make 8p from a download.") == (
        "Will an artist on iTunes make 8p from a download?"
    )
    assert ask(
        "Growth, however, picked up in 2004 and is expected to improve in 2005.", "growth slowed"
    ) == ("Will growth improve in 2005?")
    assert to_question("So most if not all devices are expected to be compatible.") == (
        "Will most devices be compatible?"
    )


def test_quoted_terms_bare_plurals_and_reported_past_verbs() -> None:
    """A quoted term in a subject loses its marks, "These are anchor projects that will" asks about
    the projects, and a past verb after "and" ("and called for ...") is not part of the question."""
    assert to_question('A "peacekeeping gap" is likely to open in March.') == (
        "Will a peacekeeping gap open in March?"
    )
    assert to_question("These are anchor projects that will be carried out over five years.") == (
        "Will anchor projects be carried out over five years?"
    )
    assert to_question(
        "The aim is to cover interpretations that could be given to rules."
    ).startswith("Will this turn out")
    assert to_question(
        "The star backed Labour's plans to ban the contracts and called for a rise."
    ) == ("Will Labour ban the contracts?")


def test_relative_clause_after_a_place_and_opening_adverbs() -> None:
    """ "the assault in St Louis, which is likely to" is not about St Louis; "Meanwhile" opens no
    subject; a relative clause ends at "is," and a trailing hedge leaves no comma."""
    assert to_question(
        "Attention went to the assault in St Louis, which is likely to end with convictions."
    ).startswith("Will this turn out")
    assert to_question("Meanwhile a US-funded programme will train nine brigades in 2015.") == (
        "Will a US-funded programme train nine brigades in 2015?"
    )
    assert to_question(
        "Her disdain for the treatment that will likely save her life is, perhaps, telling."
    ) == ("Will the treatment save her life?")
    assert to_question("We could stand a few decades of that, in fact.") == (
        "Will we stand a few decades of that?"
    )


def test_run_on_labels_trailing_sources_and_another() -> None:
    """A section label run into "The ..." is dropped, "..., officials say" is no part of the
    question, and "another tropical low that could" heads a relative clause."""
    assert to_question("Canadian news The Green Party of Canada will elect a leader today.") == (
        "Will the Green Party of Canada elect a leader today?"
    )
    assert to_question("Nine men will face charges of kidnapping, officials in Chad say.") == (
        "Will nine men face charges of kidnapping?"
    )
    assert to_question("Forecasters are watching another tropical low that could hit WA.") == (
        "Will another tropical low hit WA?"
    )


def test_sentences_glued_without_a_space_end_the_question() -> None:
    """ "reopen in 2018.The theatre ..." stops at the glued full stop; "Ph.D." does not."""
    assert to_question("The theatre will reopen in 2018.The studios form part of a project.") == (
        "Will the theatre reopen in 2018?"
    )
    assert to_question("The trail will be opened by W. Donald Hudson, Ph.D., next week.") == (
        "Will the trail be opened by W. Donald Hudson, Ph.D., next week?"
    )


def test_if_then_without_a_comma_and_gonna() -> None:
    """ "If X then Y will Z" keeps X as the condition; "you're gonna kill" asks "Will you kill"."""
    assert to_question("If the runoff is not held soon then the winter will prevent one.") == (
        "If the runoff is not held soon, will the winter prevent one?"
    )
    assert to_question("You're gonna kill the ethanol industry here.") == (
        "Will you kill the ethanol industry here?"
    )
