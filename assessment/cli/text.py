"""Plain-text renderings for a consultant's terminal: a Diagnosis, the question bank."""

from __future__ import annotations

import unicodedata

from assessment.bank.questionnaire import Questionnaire
from assessment.diagnose.diagnosis import Diagnosis

_LABELS: dict[str, dict[str, str]] = {
    "ja": {
        "title": "CMO思考診断 結果",
        "overall": "総合",
        "level": "成熟度レベル",
        "areas": "領域別スコア",
        "pitfalls": "陥っている落とし穴",
        "others": "その他の落とし穴",
        "evidence": "根拠",
        "actions": "推奨ステップ（優先順）",
        "flags": "注意事項",
        "unanswered": "未回答",
        "none": "検出された落とし穴はありません。",
        "because": "対応する落とし穴",
        "na": "未回答",
        "step": "ステップ",
        "answer": "回答",
    },
    "en": {
        "title": "CMO Thinking Assessment — result",
        "overall": "Overall",
        "level": "Maturity level",
        "areas": "Scores by area",
        "pitfalls": "Pitfalls",
        "others": "Other pitfalls",
        "evidence": "Evidence",
        "actions": "Recommended steps (in order)",
        "flags": "Caveats",
        "unanswered": "Unanswered",
        "none": "No pitfalls detected.",
        "because": "addresses",
        "na": "n/a",
        "step": "Step",
        "answer": "Answer",
    },
}
_SEVERITY = {
    "ja": {"high": "高", "medium": "中", "low": "低"},
    "en": {"high": "high", "medium": "medium", "low": "low"},
}


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, width: int) -> str:
    return s + " " * max(0, width - _width(s))


def bar(score: int | None, width: int = 20) -> str:
    if score is None:
        return "·" * width
    filled = round(score / 100 * width)
    return "█" * filled + "░" * (width - filled)


def render_text(d: Diagnosis) -> str:
    L, S = _LABELS[d.locale], _SEVERITY[d.locale]
    out = [L["title"], "=" * _width(L["title"]), ""]
    if d.level:
        out.append(f"{L['overall']}: {d.overall}/100   {L['level']}: {d.level.number} — {d.level.name}")
        out.append(f"  {d.level.description}")
    out += ["", L["areas"]]
    name_w = max(_width(a.name) for a in d.areas)
    for a in d.areas:
        shown = L["na"] if a.score is None else f"{a.score:3d}"
        out.append(f"  {_pad(a.name, name_w)}  {bar(a.score)} {shown}")
    out += ["", L["pitfalls"]]
    if not d.pitfalls:
        out.append(f"  {L['none']}")
    headed = [p for p in d.pitfalls if p.headline]
    for p in headed:
        out.append(f"  ■ {p.title}  [{S[p.severity]}]")
        out.append(f"    {p.summary}")
        for e in p.evidence:
            out.append(f"    - {e.text}")
            out.append(f"      {L['answer']}: {e.answer}")
            out.append(f"      → {e.why}")
    rest = [p for p in d.pitfalls if not p.headline]
    if rest:
        out.append(f"  {L['others']}: " + ", ".join(f"{p.title} [{S[p.severity]}]" for p in rest))
    if d.actions:
        out += ["", L["actions"]]
        for act in d.actions:
            titles = [p.title for p in d.pitfalls if p.id in act.because]
            why = f"  ({L['because']}: {', '.join(titles)})" if titles else ""
            out.append(f"  {act.priority}. {L['step']} {act.step}: {act.title}{why}")
            for t in act.tasks:
                out.append(f"     · [{t.days}d] {t.text}")
    if d.flags:
        out += ["", L["flags"]]
        for f in d.flags:
            out.append(f"  ! {f.title}  [{S[f.severity]}]")
            for e in f.evidence:
                out.append(f"    - {e.question}: {e.answer} → {e.why}")
    if d.unanswered:
        out += ["", f"{L['unanswered']} ({len(d.unanswered)}): {', '.join(d.unanswered)}"]
    out += ["", f"questionnaire {d.questionnaire_version} · rules {d.ruleset_version}"]
    return "\n".join(out) + "\n"


def render_questions_text(qn: Questionnaire, locale: str) -> str:
    out = []
    for section in (*(a.id for a in qn.areas), "profile"):  # the order the respondent answers them in
        title = (
            qn.area(section).name[locale] if section != "profile" else ("プロフィール" if locale == "ja" else "Profile")
        )
        out += [f"## {title}", ""]
        for q in qn.in_section(section):
            out.append(f"{q.id} ({q.type}): {q.text[locale]}")
            for o in q.options:
                mark = (
                    f"[{o.score}]" if o.score is not None else ("[+]" if q.type == "checklist" and o.counts else "[ ]")
                )
                out.append(f"   {mark} {o.value}: {o.label[locale]}")
            out.append("")
    return "\n".join(out)
