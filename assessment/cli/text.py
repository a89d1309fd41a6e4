"""Plain-text renderings for a consultant's terminal: a Diagnosis, the question bank."""

from __future__ import annotations

import unicodedata

from assessment.bank.questionnaire import Questionnaire
from assessment.diagnose.diagnosis import Diagnosis, Evidence, PitfallFinding

_LABELS: dict[str, dict[str, str]] = {
    "ja": {
        "title": "CMO思考診断 結果",
        "overall": "総合",
        "level": "成熟度レベル",
        "no_level": "総合スコアとレベルは判定していません（回答のある領域が5つ中{n}つ）。未回答の領域: {areas}",
        "areas": "領域別スコア",
        "doubt": "要確認",
        "pitfalls": "陥っている落とし穴",
        "others": "その他の落とし穴",
        "evidence": "根拠",
        "actions": "推奨ステップ（優先順）",
        "flags": "回答の食い違い・確認事項",
        "unanswered": "未回答",
        "none": "検出された落とし穴はありません。",
        "because": "対応する落とし穴",
        "weak_area": "弱い領域",
        "lever": "最も伸ばせる領域",
        "na": "未回答",
        "step": "ステップ",
        "answer": "回答",
        "to_verify": "［要確認］",
        "lowered": "重大度: {base} → {now}",
        "by_dont_know": "（「わからない」の回答は根拠として中まで）",
        "offsets": "反対の根拠",
        "cleared": "反対の根拠により見送った落とし穴",
        "advice": "中小企業へのアドバイス",
        "sep": "、",
    },
    "en": {
        "title": "CMO Thinking Assessment — result",
        "overall": "Overall",
        "level": "Maturity level",
        "no_level": "No overall score or level: {n} of 5 areas answered. Areas without answers: {areas}",
        "areas": "Scores by area",
        "doubt": "check",
        "pitfalls": "Pitfalls",
        "others": "Other pitfalls",
        "evidence": "Evidence",
        "actions": "Recommended steps (in order)",
        "flags": "Contradictions and points to check",
        "unanswered": "Unanswered",
        "none": "No pitfalls detected.",
        "because": "addresses",
        "weak_area": "weak area",
        "lever": "weakest lever",
        "na": "n/a",
        "step": "Step",
        "answer": "Answer",
        "to_verify": "[to verify]",
        "lowered": "severity: {base} -> {now}",
        "by_dont_know": ' (a "don\'t know" answer counts for medium at most)',
        "offsets": "Counter-evidence",
        "cleared": "Pitfalls set aside on counter-evidence",
        "advice": "Advice for small and mid-sized companies",
        "sep": ", ",
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


def _evidence(out: list[str], items: tuple[Evidence, ...], L: dict[str, str], indent: str = "    ") -> None:
    for e in items:
        out.append(f"{indent}- {e.text}")
        out.append(f"{indent}  {L['answer']}: {e.answer}{' ' + L['to_verify'] if e.to_verify else ''}")
        if e.why:
            out.append(f"{indent}  → {e.why}")


def _pitfall(out: list[str], p: PitfallFinding, L: dict[str, str], S: dict[str, str]) -> None:
    out.append(f"  {'■' if p.headline else '▪'} {p.title}  [{S[p.severity]}]")
    if p.base_severity and p.base_severity != p.severity:
        why = "" if p.offsets else L["by_dont_know"]
        out.append("    " + L["lowered"].format(base=S[p.base_severity], now=S[p.severity]) + why)
    out.append(f"    {p.description or p.summary}")
    _evidence(out, p.evidence, L)
    if p.offsets:
        out.append(f"    {L['offsets']}:")
        _evidence(out, p.offsets, L, "      ")


def render_text(d: Diagnosis, questionnaire: Questionnaire | None = None) -> str:
    """The Diagnosis for a consultant: every pitfall with each answer's own reason; questions by text."""
    L, S = _LABELS[d.locale], _SEVERITY[d.locale]
    names = {a.id: a.name for a in d.areas}
    out = [L["title"], "=" * _width(L["title"]), ""]
    if d.level:
        out.append(f"{L['overall']}: {d.overall}/100   {L['level']}: {d.level.number} — {d.level.name}")
        out.append(f"  {d.level.description}")
        if d.level.reason:
            out.append(f"  {d.level.reason}")
    else:
        answered = sum(a.score is not None for a in d.areas)
        missing = L["sep"].join(names.get(a, a) for a in d.missing_areas)
        out.append(L["no_level"].format(n=answered, areas=missing))
    out += ["", L["areas"]]
    name_w = max(_width(a.name) for a in d.areas)
    doubts = {f.area: f for f in d.flags if f.area}
    for a in d.areas:
        shown = L["na"] if a.score is None else f"{a.score:3d}"
        flag = f"  ! {L['doubt']}: {doubts[a.id].title}" if a.id in doubts else ""
        out.append(f"  {_pad(a.name, name_w)}  {bar(a.score)} {shown}{flag}")
    out += ["", L["pitfalls"]]
    if not d.pitfalls:
        out.append(f"  {L['none']}")
    for p in d.headline_pitfalls:
        _pitfall(out, p, L, S)
    rest = [p for p in d.pitfalls if not p.headline]
    if rest:
        out += ["", L["others"]]
        for p in rest:
            _pitfall(out, p, L, S)
    if d.cleared:
        out += ["", L["cleared"]]
        for p in d.cleared:
            out.append(f"  □ {p.title}  [{S[p.severity]} → –]")
            _evidence(out, p.evidence, L)
            out.append(f"    {L['offsets']}:")
            _evidence(out, p.offsets, L, "      ")
    if d.actions:
        out += ["", L["actions"]]
        titles = {p.id: p.title for p in d.pitfalls}
        for act in d.actions:
            if act.because:
                why = f"  ({L['because']}: {L['sep'].join(titles.get(p, p) for p in act.because)})"
            elif act.areas:
                label = L["weak_area"] if d.pitfalls or len(d.actions) > 1 else L["lever"]
                why = f"  ({label}: {L['sep'].join(names.get(a, a) for a in act.areas)})"
            else:
                why = ""
            out.append(f"  {act.priority}. {L['step']} {act.step}: {act.title}{why}")
            for t in act.tasks:
                out.append(
                    f"     · [{t.days}d] {t.text}（{t.owner}）"
                    if d.locale == "ja"
                    else f"     · [{t.days}d] {t.text} ({t.owner})"
                )
    if d.flags:
        out += ["", L["flags"]]
        for f in d.flags:
            area = f"  — {names.get(f.area, f.area)}" if f.area else ""
            out.append(f"  ! {f.title}  [{S[f.severity]}]{area}")
            out.append(f"    {f.summary}")
            _evidence(out, f.evidence, L)
    if d.advice:
        out += ["", L["advice"]]
        out += [f"  · {tip}" for tip in d.advice]
    if d.unanswered:
        by_id = questionnaire.by_id if questionnaire else {}
        texts = {qid: q.text[d.locale] for qid, q in by_id.items()}
        out += ["", f"{L['unanswered']} ({len(d.unanswered)}):"]
        out += [f"  - {texts.get(q, q)}" for q in d.unanswered]
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
