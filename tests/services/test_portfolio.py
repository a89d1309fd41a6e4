"""The portfolio: who sees which companies, the change since the last round, what is due and open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assessment.services import accounts, clients, portfolio, rounds
from assessment.store.models import utcnow
from tests.factories import make_answers, make_company, make_round

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def account(session, email: str, role: str = "consultant"):
    return accounts.create_account(session, email=email, password_hash="x", role_name=role)


def owned(session, owner, name: str):
    company = make_company(session, name=name)
    company.owner_id = owner.id
    session.commit()
    return company


def names(found) -> list[str]:
    return [r.name for r in found.rows]


def test_a_consultant_sees_their_own_and_shared_companies_never_anothers(session):
    me, other, admin = account(session, "me@example.jp"), account(session, "other@example.jp"), None
    admin = account(session, "admin@example.jp", "admin")
    mine, theirs, shared = (owned(session, me, "株式会社自分"), owned(session, other, "株式会社他人"), None)
    shared = owned(session, other, "株式会社共有")
    clients.share(session, other, shared, me)
    for company in (mine, theirs, shared):
        make_round(session, company, closed_at=NOW - timedelta(days=10))
    assert sorted(names(portfolio.portfolio(session, me, sort="name", now=NOW))) == sorted([mine.name, shared.name])
    assert names(portfolio.portfolio(session, other, sort="name", now=NOW)) == sorted([theirs.name, shared.name])
    assert len(portfolio.portfolio(session, admin, now=NOW).rows) == 3
    for show in portfolio.SHOWS:  # no filter widens what is seen
        assert theirs.name not in names(portfolio.portfolio(session, me, show=show, now=NOW))


def test_an_admins_count_is_of_the_companies_listed(session):
    """An admin's query names no table in a WHERE: counted bare, it said 1 with none or with two."""
    admin = account(session, "admin@example.jp", "admin")
    assert portfolio.portfolio(session, admin, now=NOW).total == 0
    owned(session, admin, "株式会社一")
    owned(session, account(session, "me@example.jp"), "株式会社二")
    found = portfolio.portfolio(session, admin, now=NOW)
    assert found.total == len(found.rows) == 2


def test_the_change_since_the_last_round_is_per_area_and_overall(session):
    me = account(session, "me@example.jp")
    company = owned(session, me, "株式会社推移")
    make_round(session, company, ("management", make_answers(0)), period="2026-Q2", closed_at=NOW - timedelta(days=200))
    make_round(session, company, ("management", make_answers(1)), period="2026-Q3", closed_at=NOW - timedelta(days=100))
    last = make_round(
        session,
        company,
        ("management", make_answers(3, **{q: make_answers(1)[q] for q in ("al_goal_agreement",)})),
        period="2026-Q4",
        closed_at=NOW - timedelta(days=5),
    )
    previous = rounds.closed_rounds(session, company)[-2]
    kept = rounds.round_verdict(last)
    assert kept is not None  # close_round copied its summary onto the round
    assert (last.level, last.overall, last.scores) == (kept.level, kept.overall, dict(kept.scores))
    (row,) = portfolio.portfolio(session, me, now=NOW).rows
    assert last.overall is not None and previous.overall is not None and last.level and previous.level
    assert last.scores is not None and previous.scores is not None
    assert (row.rounds, row.period, row.level, row.overall) == (3, "2026-Q4", last.level, last.overall)
    assert row.overall_delta == last.overall - previous.overall > 0
    assert row.level_delta == last.level - previous.level
    by_area = {a.area: a for a in row.areas}
    assert set(by_area) == set(last.scores)
    for area, change in by_area.items():
        assert change.score == last.scores[area]
        assert change.delta == last.scores[area] - previous.scores[area]
    alignment, kpi = by_area["alignment"].delta, by_area["kpi_design"].delta
    assert alignment is not None and kpi is not None and alignment < kpi  # one alignment answer stayed at 1


def test_one_round_has_no_change_and_no_round_has_no_due_date(session):
    me = account(session, "me@example.jp")
    make_round(session, owned(session, me, "株式会社一回"), closed_at=NOW - timedelta(days=5))
    owned(session, me, "株式会社未実施")
    rows = {r.name: r for r in portfolio.portfolio(session, me, now=NOW).rows}
    once, never = rows["株式会社一回"], rows["株式会社未実施"]
    assert once.rounds == 1 and once.overall_delta is None and all(a.delta is None for a in once.areas)
    assert (never.rounds, never.level, never.due_at, never.overdue, never.due_soon) == (0, None, None, False, False)


def test_due_dates_overdue_and_due_soon_on_fixed_dates(session):
    me = account(session, "me@example.jp")
    late = owned(session, me, "株式会社期限切れ")
    soon = owned(session, me, "株式会社まもなく")
    later = owned(session, me, "株式会社まだ先")
    set_by_hand = owned(session, me, "株式会社指定日")
    make_round(session, late, closed_at=NOW - timedelta(days=100))  # due a quarter after: 9 days ago
    make_round(session, soon, closed_at=NOW - timedelta(days=70))  # due in 21 days
    make_round(session, later, closed_at=NOW - timedelta(days=10))  # due in 81 days
    make_round(session, set_by_hand, closed_at=NOW - timedelta(days=10), due_at=NOW - timedelta(hours=1))
    rows = {r.name: r for r in portfolio.portfolio(session, me, now=NOW).rows}
    assert rows[late.name].due_at == NOW - timedelta(days=9) and rows[late.name].overdue
    assert rows[soon.name].due_soon and not rows[soon.name].overdue
    assert not rows[later.name].due_soon and not rows[later.name].overdue
    assert rows[set_by_hand.name].overdue  # the consultant's date, not the default quarter
    overdue = portfolio.portfolio(session, me, show="overdue", now=NOW)
    assert sorted(names(overdue)) == sorted([late.name, set_by_hand.name]) and overdue.total == 2
    assert names(portfolio.portfolio(session, me, show="due_soon", now=NOW)) == [soon.name]
    by_due = names(portfolio.portfolio(session, me, sort="due", now=NOW))
    assert by_due == [late.name, set_by_hand.name, soon.name, later.name]
    assert names(portfolio.portfolio(session, me, sort="due", desc=True, now=NOW)) == by_due[::-1]


def test_an_open_round_counts_answers_invitations_and_those_still_waiting(session):
    me = account(session, "me@example.jp")
    company = owned(session, me, "株式会社実施中")
    owned(session, me, "株式会社なし")
    make_round(session, company, closed_at=NOW - timedelta(days=95))
    r = make_round(session, company, ("management", make_answers(2)), period="2027-Q1", close=False)
    rounds.invite(session, r, "marketing")
    rounds.invite(session, r, "sales")
    expired = rounds.invite(session, r, "other")
    expired.expires_at = utcnow() - timedelta(days=1)
    session.commit()
    found = portfolio.portfolio(session, me, show="open", now=utcnow())
    (row,) = found.rows
    assert row.open_round is not None and row.open_round.token == r.token and row.open_round.period == "2027-Q1"
    assert (row.open_round.answered, row.open_round.invited, row.open_round.waiting) == (1, 3, 2)
    assert row.period != "2027-Q1"  # the latest closed round is still the one shown
    assert row.overdue  # due before the open round closes


@pytest.mark.parametrize(("show", "sort", "page"), [("nope", "drop table", -3), ("overdue", "level", 10_000)])
def test_unknown_filters_and_sorts_fall_back_and_pages_are_clamped(session, show, sort, page):
    me = account(session, "me@example.jp")
    for i in range(3):
        owned(session, me, f"株式会社{i}")
    found = portfolio.portfolio(session, me, show=show, sort=sort, page=page, now=NOW)
    assert found.page == found.pages == 1


def test_pages_hold_page_size_rows_and_sorting_by_level_puts_unknown_last(session, monkeypatch):
    monkeypatch.setattr(portfolio, "PAGE_SIZE", 2)
    me = account(session, "me@example.jp")
    for name, level in (("株式会社A", 0), ("株式会社B", 3), ("株式会社C", None), ("株式会社D", 1)):
        company = owned(session, me, name)
        if level is not None:
            make_round(session, company, ("management", make_answers(level)), closed_at=NOW - timedelta(days=3))
    first = portfolio.portfolio(session, me, sort="level", desc=True, now=NOW)
    second = portfolio.portfolio(session, me, sort="level", desc=True, page=2, now=NOW)
    assert (first.total, first.pages) == (4, 2)
    assert names(first) + names(second) == ["株式会社B", "株式会社D", "株式会社A", "株式会社C"]


def test_the_company_tracking_needs_two_rounds_and_then_carries_the_trend_and_the_gap(session):
    me = account(session, "me@example.jp")
    company = owned(session, me, "株式会社二回")
    make_round(session, company, ("management", make_answers(0)), period="2026-Q3")
    once = portfolio.company_tracking(session, company, "ja")
    assert once.rounds == 1 and once.trend is None and once.gap is None
    alignment = {q: make_answers(0)[q] for q in ("al_goal_agreement", "al_shared_language")}
    make_round(
        session,
        company,
        ("management", make_answers(3)),
        ("marketing", make_answers(3, **alignment)),
        period="2026-Q4",
    )
    t = portfolio.company_tracking(session, company, "en")
    assert t.rounds == 2 and t.trend is not None and t.trend.periods == ("2026-Q3", "2026-Q4")
    assert t.trend.resolved and "Since 2026-Q3" in t.trend.summary
    before, after = t.overall
    assert len(t.levels) == 2 and before is not None and after is not None and after > before
    assert all(delta is not None and delta > 0 for _name, _b, _a, delta in t.areas)
    assert t.gap is not None and "<title>" in t.gap.chart and "<desc>" in t.trend.chart


def test_a_page_costs_the_same_few_queries_for_two_companies_or_twelve(session):
    from sqlalchemy import event

    me = account(session, "me@example.jp")
    statements: list[str] = []

    def count(*args):
        statements.append(args[2])

    def queries_for_a_page() -> int:
        statements.clear()
        event.listen(session.get_bind(), "before_cursor_execute", count)
        try:
            portfolio.portfolio(session, me, show="overdue", sort="change", now=NOW)
        finally:
            event.remove(session.get_bind(), "before_cursor_execute", count)
        return len(statements)

    def add(i: int) -> None:
        company = owned(session, me, f"株式会社{i:02d}")
        make_round(session, company, period="2026-Q2", closed_at=NOW - timedelta(days=200))
        make_round(session, company, period="2026-Q3", closed_at=NOW - timedelta(days=100))
        rounds.invite(session, make_round(session, company, period="2026-Q4", close=False), "marketing")

    for i in range(2):
        add(i)
    few = queries_for_a_page()
    for i in range(2, 12):
        add(i)
    assert queries_for_a_page() == few <= 5  # count, page, scores, respondents, invitations
    assert len(portfolio.portfolio(session, me, show="overdue", now=NOW).rows) == 12
