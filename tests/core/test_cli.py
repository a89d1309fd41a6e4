"""The `assessment` command line, through click's runner."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assessment import evaluate
from assessment.cli import main
from tests.conftest import PROFILES_DIR


@pytest.fixture
def runner():
    return CliRunner()


def test_questions_json_lists_ids_areas_types_and_scores(runner):
    result = runner.invoke(main, ["questions", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    q = {q["id"]: q for q in data["questions"]}
    assert q["al_goal_agreement"]["area"] == "alignment" and q["al_goal_agreement"]["type"] == "choice"
    assert [o["score"] for o in q["al_goal_agreement"]["options"]] == [0, 0, 1, 1, 2, 3]
    assert q["kd_roadmap_fields"]["type"] == "checklist"
    assert q["pf_company_size"]["area"] is None


def test_questions_text_in_english(runner):
    result = runner.invoke(main, ["questions", "--locale", "en"])
    assert result.exit_code == 0
    assert "How are marketing's goals for this term agreed with management?" in result.output


def test_evaluate_text_shows_bars_level_pitfalls_and_actions(runner):
    result = runner.invoke(main, ["evaluate", str(PROFILES_DIR / "vanity_shop.yaml")])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "成熟度レベル: 2" in out
    assert "█" in out and "░" in out
    assert "事業成果につながらない数字を追っている" in out
    assert "推奨ステップ" in out


def test_evaluate_json_from_stdin(runner):
    result = runner.invoke(
        main,
        ["evaluate", "-", "--format", "json", "--locale", "en"],
        input='{"al_goal_agreement": "self_set", "al_shared_language": "different"}',
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["locale"] == "en"
    assert [p["id"] for p in data["pitfalls"]] == ["silo"]
    assert "rc_frequency" in data["unanswered"]


def test_partial_answers_report_the_missing_ones(runner, tmp_path):
    f = tmp_path / "partial.yaml"
    f.write_text("al_goal_agreement: written_annual\n", encoding="utf-8")
    result = runner.invoke(main, ["evaluate", str(f), "--locale", "en"])
    assert result.exit_code == 0
    assert "Unanswered (23)" in result.output


def test_bad_answers_exit_2_with_one_line_per_question(runner, tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text(
        "al_goal_agreement: sometimes\nzz_unknown: 1\nkd_roadmap_fields: [owner, mascot]\nkd_tree: [none]\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["evaluate", str(f)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(lines) == 4
    assert any("question 'al_goal_agreement'" in line and "'sometimes' is not an option" in line for line in lines)
    assert any("question 'zz_unknown': unknown question id" in line for line in lines)
    assert any("'mascot' not offered" in line for line in lines)
    assert any("question 'kd_tree': expected one option value, got list" in line for line in lines)


@pytest.mark.parametrize(
    "content, message",
    [("- just\n- a list\n", "expected a mapping"), ("a: [unclosed\n", "not valid YAML or JSON")],
)
def test_unreadable_answer_file_exits_2(runner, tmp_path, content, message):
    f = tmp_path / "x.yaml"
    f.write_text(content, encoding="utf-8")
    result = runner.invoke(main, ["evaluate", str(f)])
    assert result.exit_code == 2 and message in result.output


def test_missing_file_exits_2(runner):
    result = runner.invoke(main, ["evaluate", "/no/such/file.yaml"])
    assert result.exit_code == 2


def test_rules_check_passes_on_the_real_rules(runner):
    result = runner.invoke(main, ["rules", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: 31 questions")


def test_rules_check_fails_on_a_broken_rule(runner, tmp_path, monkeypatch):
    import shutil

    from assessment import paths

    rules = tmp_path / "rules"
    shutil.copytree(paths.RULES_DIR, rules)
    (rules / "broken.yaml").write_text(
        "rules:\n  - id: broken\n    when: {all: [{question: nope, is: x}]}\n"
        "    then: {pitfall: silo, severity: high}\n    why: {ja: x, en: x}\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(paths, "RULES_DIR", rules)
    result = runner.invoke(main, ["rules", "check"])
    assert result.exit_code == 1
    assert "broken.yaml:3: rule 'broken': unknown question 'nope'" in result.output


def test_a_pdf_path_that_cannot_be_written_is_one_error_line(tmp_path):
    from click.testing import CliRunner

    from assessment.cli import main

    result = CliRunner().invoke(
        main, ["evaluate", "tests/profiles/mature.yaml", "--pdf", str(tmp_path / "missing" / "x.pdf")]
    )
    assert result.exit_code == 2 and "cannot write the PDF" in result.output and "Traceback" not in result.output


def test_questions_text_lists_the_profile_last_as_the_respondent_answers_it(runner):
    out = runner.invoke(main, ["questions", "--locale", "en"]).output
    headings = [line for line in out.splitlines() if line.startswith("## ")]
    assert headings[-1] == "## Profile" and len(headings) == 6


def test_questions_stats_print_the_time_the_landing_page_promises(runner, questionnaire):
    from assessment.bank.listing import PROMISE_MINUTES, reading_time

    result = runner.invoke(main, ["questions", "--stats", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    t = reading_time(questionnaire)
    assert data == {"questions": len(questionnaire.questions), "characters": t.characters, "seconds": round(t.seconds)}
    # Japanese characters / 500 a minute + 4 s a question, at most the 7 minutes promised
    assert t.seconds == pytest.approx(t.characters / 500 * 60 + 4 * t.questions)
    assert t.seconds <= PROMISE_MINUTES * 60 and t.minutes <= PROMISE_MINUTES
    text = runner.invoke(main, ["questions", "--stats"]).output
    assert f"{t.questions} questions" in text and f"about {t.minutes} min" in text


def test_text_output_for_a_consultant(runner):
    from tests.conftest import load_profile

    d = evaluate(load_profile("knows_nothing"))
    out = runner.invoke(main, ["evaluate", str(PROFILES_DIR / "knows_nothing.yaml")]).output
    for p in d.pitfalls:  # every pitfall, headlined or not, with each answer's own reason
        assert p.title in out
        for e in p.evidence:
            assert e.text in out and e.why in out
    assert "［要確認］" in out  # "don't know" answers marked to verify
    assert "中小企業へのアドバイス" in out and d.advice[0] in out
    flags = out[out.index("回答の食い違い・確認事項") :]
    assert "gl_contribution_known" not in flags  # questions named by their text
    assert "前四半期にマーケティング経由で生まれた売上を答えられますか。" in flags


def test_text_output_says_why_the_level_is_capped_and_what_is_missing(runner, tmp_path):
    from tests.factories import make_answers

    f = tmp_path / "a.yaml"
    f.write_text(json.dumps(make_answers(3, **{q: v for q, v in make_answers(0).items() if q.startswith("rc_")})))
    assert "改善サイクルが最も弱いため、レベルは2までにとどまります" in runner.invoke(main, ["evaluate", str(f)]).output
    f.write_text(json.dumps({"al_goal_agreement": "self_set"}))
    out = runner.invoke(main, ["evaluate", str(f)]).output
    assert "総合スコアとレベルは判定していません（回答のある領域が5つ中1つ）" in out
    assert "経営・事業ゴールとの接続、戦略に基づく施策設計" in out
