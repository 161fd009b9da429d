"""Word lists and patterns that signal attribution, the author's voice and future reference."""

from __future__ import annotations

import re

_I = re.IGNORECASE
# Word-list patterns are matched against lower-cased text: re's IGNORECASE is several times slower.
_LOWER = 0


def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of a word list."""
    return frozenset(text.split())


# Speech, cognition and reporting verbs that attribute content to a source.
ATTRIBUTION_VERBS = words(
    """
    say says said tell tells told note notes noted add adds added argue argues argued write writes
    wrote claim claims claimed warn warns warned explain explains explained state states stated
    announce announces announced report reports reported tweet tweets tweeted insist insists
    insisted believe believes believed wonder wonders wondered ask asks asked acknowledge
    acknowledges acknowledged admit admits admitted concede concedes conceded confirm confirms
    confirmed deny denies denied suggest suggests suggested predict predicts predicted estimate
    estimates estimated expect expects contend contends contended maintain maintains maintained
    observe observes observed recall recalls recalled testify testifies testified urge urges
    urged caution cautions cautioned declare declares declared reply replies replied respond
    responds responded allege alleges alleged assert asserts asserted stress stresses stressed
    emphasize emphasizes emphasized emphasised indicate indicates indicated reveal reveals revealed
    disclose discloses disclosed mention mentions mentioned complain complains complained
    predict predicts forecast forecasts forecasted fear fears feared hope hopes hoped think thinks
    """
)
# Verbs after which "that"-clauses and following sentences keep reporting the source's words.
SPEECH_VERBS = ATTRIBUTION_VERBS - {"ask", "asks", "asked"}
PRONOUNS = frozenset({"he", "she", "they", "it"})
FIRST_PERSON_SUBJECTS = frozenset({"i", "we", "you"})
# Common-noun sources that newswriting attributes to without a name.
GENERIC_SOURCES = words(
    """
    officials official police spokesman spokeswoman spokesperson authorities analysts experts
    critics researchers scientists witnesses residents sources prosecutors investigators
    statement report study survey ministry department agency company government court judge
    lawyers lawyer attorney attorneys observers economists diplomats aides executives forecasters
    meteorologists organisers organizers doctors engineers negotiators lawmakers legislators
    regulators activists campaigners protesters organisation organization commission
    """
)
AUXILIARIES = words(
    "has have had also later then once previously reportedly further repeatedly has also"
)
TITLE_WORDS = words(
    "minister president secretary senator governor general spokesman spokeswoman chief director "
    "mayor ambassador commander leader chairman chairwoman ceo professor"
)
NON_NAMES = words(
    "monday tuesday wednesday thursday friday saturday sunday today yesterday however but and "
    "the a an this that these those it in on at meanwhile still also who what why how where when "
    "which whether if their his her its our my your "
    # sentence-initial conjunctions and adverbs: "Yet, fears about ..." names no one
    "yet so or nor then thus hence instead now indeed still there here even only just perhaps "
    "maybe again besides moreover furthermore rather otherwise"
)
# "Their report warns": a possessive before a generic source points back to a named one.
POSSESSIVES = words("their his her its")
ATTRIBUTION_TAIL = re.compile(
    r"\s+(?:in|on|at|to|during)\s+(?:a|an|the|his|her|their|its)\s+[\w-]+(?:\s+call)?", _I
)
ACCORDING_TO = re.compile(r"\baccording to\s+((?:the\s+)?[\w’'.-]+(?:\s+[A-Z][\w’'.-]+)*)", _I)

# Cue labels and discourse markers at the start of a sentence.
PREDICTION_CUES = re.compile(
    r"^(?:my\s+)?(?:prediction|best guess|forecast|my bet|bet|guess|prognosis|outlook|"
    r"mark my words|expect this|what happens next)\s*[:,—-]",
    _I,
)
OPINION_CUES = re.compile(
    r"^(?:correction|in other words|in that sense|in this sense|at any rate|bottom line|"
    r"the bottom line|my take|verdict|frankly|honestly|clearly|obviously|of course|sadly|"
    r"unfortunately|fortunately|thankfully|ironically|admittedly|to be sure|to be fair|"
    r"make no mistake|let'?s be clear|let’s be clear|the truth is|the fact is|in short|"
    r"put simply|simply put|in my view|in my opinion|to me|even worse|better yet|"
    r"the irony|the problem is|the point is|the question is|here'?s the thing|"
    r"here’s the thing|needless to say|update|note|translation|spoiler)\b\s*[:,—-]?",
    _I,
)
CONSEQUENCE_OPENERS = re.compile(
    r"^(?:that|this|which) (?:means|would mean|will mean)\b|^(?:as a result|then|and then)\b", _I
)
FIRST_PERSON = re.compile(
    r"\b(?:I|I['’](?:m|ve|d|ll)|me|my|mine|myself|[Ww]e|[Ww]e['’](?:re|ve|d|ll)|us|[Oo]ur|ours|"
    r"ourselves|[Ll]et['’]s)\b"
)
HEDGES = re.compile(
    r"\b(?:seems?|appears? to|apparently|perhaps|maybe|probably|presumably|arguably|doubtful|"
    r"i doubt|no doubt|surely|of course|indeed|clearly|obviously|evidently|undeniably|notably|"
    r"ironically|remarkably|curiously|tellingly|predictably|inevitably|supposedly|really|"
    r"actually|just as well|especially|certainly|undoubtedly|unlikely)\b",
    _LOWER,
)
DEONTIC = re.compile(
    r"\b(?:should(?:n['’]t)?|ought to|must(?:n['’]t)?|needs? to|it['’]?s time|it is time|"
    r"had better|would do well to|could just as well|might as well)\b",
    _LOWER,
)
EVALUATIVE = re.compile(
    r"\b(?:irrational|absurd|ridiculous|outrageous|disgraceful|shameful|shameless|pathetic|"
    r"foolish|stupid|silly|naive|reckless|disastrous|catastrophic|terrible|awful|horrible|"
    r"appalling|excellent|brilliant|wonderful|fantastic|remarkable|impressive|admirable|"
    r"laudable|courageous|cowardly|hypocritical|hypocrisy|dishonest|incompetent|inept|misguided|"
    r"wrongheaded|wrong|unfair|unjust|sensible|unreasonable|illegitimate|baseless|bogus|"
    r"nonsense|farce|sham|scandalous|disgrace|shame|puppet|stooge|lackey|tool|thugs?|cronies|"
    r"propaganda|pandering|grandstanding|stunt|charade|so-called|hoax|witch hunt|debacle|"
    r"fiasco|mess|betrayal|cynical|craven|blatant|egregious|deplorable|despicable|vile|evil|"
    r"heroic|noble|unconscionable|inexcusable|indefensible|irresponsible|idiotic|insane|crazy|"
    r"laughable|pointless|useless|worthless|hopeless|overblown|overrated|dubious|"
    r"questionable|favou?r|genius|nightmare|joke|lies|liars?|lying|preposterous|bizarre|"
    r"astonishing|awry)\b",
    _LOWER,
)
MILD_EVALUATIVE = re.compile(
    r"\b(?:dangerous|welcome|better|worse|best|worst|mistake|failure|failed|unprecedented|"
    r"shocking|stunning|alarming|troubling|worrying|disturbing|crucial|vital|essential|"
    r"important|serious|seriously|merely|mere|tired of|fed up)\b",
    _LOWER,
)
COUNTERFACTUAL = re.compile(
    r"\bif\b[^.]{0,80}\bhad\b|\b(?:would|could|might|should)(?:\s+not)?\s+have\s+\w+(?:ed|en|n)\b",
    _LOWER,
)

# Future reference: strong markers make a forecast; weak modals only speculation.
# "is going to" + a verb, also negated or with adverbs; not "is going to the polls".
GOING_TO = (
    r"(?:is|are|am|isn['’]t|aren['’]t|['’]s|['’]re)(?: not)?(?: \w+ly){0,2}(?: and \w+ly)? going to"
    r"(?! the\b| a\b| an\b| his\b| her\b| their\b| its\b| our\b| my\b)"
)
# "will" as a noun ("the will of the people", "free will") is not future reference.
_NOUN_WILL = r"(?<!the )(?<!free )(?<!good )(?<!political )(?<!own )(?<!ill )will(?! of\b)"
FUTURE = re.compile(
    r"\b(?:" + _NOUN_WILL + r"|won['’]t|shall|" + GOING_TO + r"|gonna|"
    r"is (?:un)?likely to|are (?:un)?likely to|(?:is|are|was|were) expected to|"
    r"(?:is|are) set to|(?:is|are) poised to|"
    r"(?:is|are) bound to|(?:is|are) due to|(?:is|are) about to|(?:is|are) projected to|"
    r"(?:is|are) forecast to|(?:is|are) predicted to|(?:is|are) scheduled to|\w+['’]ll)\b",
    _LOWER,
)
# Intentions and forecasts credited to others: future reference for attributed predictions only.
INTENT = re.compile(
    r"\b(?:plans? to|planned to|intends? to|aims? to|expects?|predicts?|forecasts?|"
    r"anticipates?|by 20\d\d)\b",
    _LOWER,
)
WEAK_FUTURE = re.compile(r"\b(?:may|might|could)\b(?!\s+(?:not\s+)?have\b)", _LOWER)
# Reported speculation also uses the future-in-the-past "would" ("said prices would fall").
SPECULATION = re.compile(r"\b(?:may|might|could|would)\b(?!\s+(?:not\s+)?have\b)", _LOWER)
HORIZON = re.compile(
    r"\b(?:by (?:the end of )?(?:20\d\d|next \w+|the end of the (?:year|month|decade))|"
    r"next (?:year|month|week|decade|season|spring|summer|fall|autumn|winter|election|time)|"
    r"within (?:the next )?(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+) "
    r"(?:days?|weeks?|months?|years?|decades?)|in (?:the )?(?:coming|next) (?:days|weeks|months|"
    r"years|decade)|in (?:a|one|two|three|four|five|six|\d+) (?:days?|weeks?|months?|years?)|"
    r"soon|before (?:long|the (?:end|election))|this (?:year|month|week|fall|summer|spring|winter)|"
    r"in 20\d\d|until 20\d\d|later this (?:year|month|week))\b",
    _LOWER,
)
QUOTED_SPAN = re.compile(r"“[^”]*”|\"[^\"]*\"")
# Past-tense event verbs, but not passive or adjectival participles ("is justified", "so tired").
PAST_TENSE = re.compile(
    r"(?<!\bis )(?<!\bare )(?<!\bbe )(?<!\bbeen )(?<!\bbeing )(?<!['’]s )(?<!\bwas )"
    r"(?<!\bwere )(?<!\bvery )(?<!\bso )(?<!\bmore )(?<!\bmost )(?<!\btoo )(?<!\bget )"
    r"\b(?:said|told|made|took|went|came|won|lost|died|killed|held|met|left|sent|began|fell|rose|"
    r"\w{3,}ed)\b",
    _LOWER,
)
NEWS_FACT = re.compile(
    r"\b(?:\d[\d,.]*|percent|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"yesterday|today|last (?:week|month|year))\b",
    _LOWER,
)
