"""Diagnosis dicts as stored before the Verdict, turned into Verdicts.

The database kept one localized Diagnosis.to_dict() per locale. Its ids,
numbers and raw answer values are all a Verdict needs; the texts are
dropped, because localize() reads them again from the bank by id. Rows
from before flags, areas, answers, profile, small_company and advice were
added lack those keys, and no stored row's evidence names its rule: the
Verdict then leaves the rule unset, and localize() finds a reason by the
answer (see localization._why).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assessment.bank.questionnaire import Questionnaire, default_questionnaire
from assessment.bank.sme import is_small_company
from assessment.diagnose.verdict import EvidenceRef, FoundAction, FoundFlag, Verdict, as_value, found_pitfall


def verdict_from_diagnosis_dict(data: Mapping[str, Any], *, questionnaire: Questionnaire | None = None) -> Verdict:
    """The Verdict a stored Diagnosis dict holds; reads every shape Diagnosis.to_dict() has produced.

    The ja and en copies of one diagnosis give the same Verdict. What a row
    does not hold, the Verdict does not invent: a row without answers gives
    no answers. Only two things are worked out from the bank (the current
    one, unless `questionnaire` is given): the uncapped level, which a
    Diagnosis never held, from the overall score; and, for rows without
    them, the profile and small_company from the answers.
    """
    qn = questionnaire or default_questionnaire()
    answers = {a["question"]: as_value(a["value"]) for a in data.get("answers", ()) if "value" in a}

    def refs(items) -> tuple[EvidenceRef, ...]:
        out = []
        for e in items:
            value = e.get("value")
            if value in (None, ""):  # Evidence.value had a default; the row's answers or label are what is left
                value = answers.get(e["question"], e.get("answer", ""))
            out.append(EvidenceRef(question=e["question"], value=as_value(value), rule=e.get("rule")))
        return tuple(out)

    if "profile" in data:
        profile = dict(data["profile"])
    else:
        profile = {q.id: answers[q.id] for q in qn.in_section("profile") if isinstance(answers.get(q.id), str)}
    if "small_company" in data:
        small = bool(data["small_company"])
    else:
        small = is_small_company(qn, profile)
    overall = data["overall"]
    level = data.get("level")
    return Verdict(
        questionnaire_version=data["questionnaire_version"],
        ruleset_version=data["ruleset_version"],
        scores=data["scores"],
        overall=overall,
        level=level["number"] if level else None,
        uncapped_level=(level or {}).get("uncapped")
        or (qn.level_for(overall).number if isinstance(overall, (int, float)) else None),
        pitfalls=tuple(found_pitfall(p, refs) for p in data["pitfalls"]),
        actions=tuple(
            FoundAction(
                id=a["id"], priority=a["priority"], because=tuple(a["because"]), areas=tuple(a.get("areas", ()))
            )
            for a in data["actions"]
        ),
        flags=tuple(
            FoundFlag(id=f["id"], kind=f["kind"], severity=f["severity"], evidence=refs(f["evidence"]))
            for f in data.get("flags", ())
        ),
        unanswered=tuple(data["unanswered"]),
        answers=answers,
        profile=profile,
        small_company=small,
        level_capped_by=level.get("capped_by") if level else None,
        cleared=tuple(found_pitfall(p, refs) for p in data.get("cleared", ())),
    )
