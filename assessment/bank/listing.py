"""The question bank as the public JSON listing (CLI and GET /api/v1/questionnaire)."""

from __future__ import annotations

from assessment.bank.questionnaire import Questionnaire


def questions_as_dict(qn: Questionnaire, locale: str) -> dict:
    """The question bank as the public JSON listing (CLI and GET /api/v1/questionnaire)."""
    return {
        "questionnaire_version": qn.version,
        "locale": locale,
        "areas": [{"id": a.id, "name": a.name[locale], "description": a.description[locale]} for a in qn.areas],
        "questions": [
            {
                "id": q.id,
                "area": None if q.section == "profile" else q.section,
                "section": q.section,
                "type": q.type,
                "text": q.text[locale],
                "factual": q.factual,
                **({"hint": q.hint[locale]} if q.hint else {}),
                **({"thresholds": list(q.thresholds)} if q.thresholds else {}),
                "options": [
                    {
                        "value": o.value,
                        "label": o.label[locale],
                        **({"score": o.score} if q.type == "choice" else {}),
                        **({"counts": o.counts} if q.type == "checklist" else {}),
                        **({"dont_know": True} if o.dont_know else {}),
                    }
                    for o in q.options
                ],
            }
            for q in qn.questions
        ],
    }
