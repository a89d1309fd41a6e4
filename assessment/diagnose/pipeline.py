"""The one pipeline: raw answers in, a Verdict (to store) or a Diagnosis (to show) out.

    answers --validate--> Answers --score--> Scores --rules engine--> fired branches
            --findings--> Verdict (ids and numbers) --localize--> Diagnosis (texts in one locale)

Every front end calls evaluate() or diagnose(); nothing downstream recomputes a score.
"""

from __future__ import annotations

from collections.abc import Mapping

from assessment.bank.questionnaire import Questionnaire, default_questionnaire
from assessment.bank.rules import RuleBook, default_rulebook
from assessment.bank.sme import is_small_company
from assessment.bank.text import check_locale
from assessment.diagnose import engine, findings
from assessment.diagnose.answers import validate_answers
from assessment.diagnose.diagnosis import Diagnosis
from assessment.diagnose.localization import localize
from assessment.diagnose.scoring import score
from assessment.diagnose.verdict import Verdict


def diagnose(
    answers: Mapping,
    *,
    questionnaire: Questionnaire | None = None,
    rulebook: RuleBook | None = None,
) -> Verdict:
    """Validate answers, score them, run the rules; return the locale-free Verdict.

    Raises AnswerError (with one message per bad question) for answers that
    do not fit the questionnaire; a partial answer set is fine.
    """
    qn = questionnaire or default_questionnaire()
    book = rulebook or default_rulebook()
    valid = validate_answers(answers, qn)
    scores = score(valid, qn)
    rules = engine.compiled(book)
    groups = findings.group_fired(book, rules.fire(rules.fact(qn, valid, scores)))
    values = valid.values
    pitfalls, cleared = findings.pitfalls(groups, book, qn, values, scores)
    # Profile questions take one option; a validated answer is one the question offers.
    profile = {q.id: v for q in qn.in_section("profile") if isinstance(v := values.get(q.id), str)}
    return Verdict(
        questionnaire_version=qn.version,
        ruleset_version=book.version,
        scores=scores.areas,
        overall=scores.overall,
        level=scores.level.number if scores.level else None,
        uncapped_level=scores.uncapped_level.number if scores.uncapped_level else None,
        pitfalls=pitfalls,
        actions=findings.actions(groups, book, pitfalls, scores),
        flags=findings.flags(groups, book, qn, values),
        unanswered=valid.unanswered,
        answers=values,
        profile=profile,
        small_company=is_small_company(qn, profile),
        level_capped_by=scores.capped_by,
        cleared=cleared,
    )


def evaluate(
    answers: Mapping,
    locale: str = "ja",
    *,
    questionnaire: Questionnaire | None = None,
    rulebook: RuleBook | None = None,
) -> Diagnosis:
    """diagnose(), then localize() the Verdict: the Diagnosis in `locale`."""
    check_locale(locale)  # before the answers: a bad locale is the caller's bug, reported first
    qn = questionnaire or default_questionnaire()
    book = rulebook or default_rulebook()
    return localize(diagnose(answers, questionnaire=qn, rulebook=book), locale, questionnaire=qn, rulebook=book)
