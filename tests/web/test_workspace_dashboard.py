"""The dashboard and the company page's tracking section through the app: who sees what, hostile query strings."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest

from assessment.services import rounds
from assessment.store import Company
from assessment.store.models import utcnow
from assessment.web.database import db
from tests.factories import make_answers, make_round
from tests.web.workspace import signed_in

ALIGNMENT = {q: make_answers(0)[q] for q in ("al_goal_agreement", "al_shared_language")}


@pytest.fixture
def portfolio_of_two(app):
    """Alice owns an overdue company with two rounds (the second paired) and one with none; Bob owns one."""
    alice, alice_id = signed_in(app, "alice@example.jp")
    bob, bob_id = signed_in(app, "bob@example.jp")
    now = utcnow()
    with app.app_context():
        s = db.session
        tracked = Company(name="株式会社<推移>", name_key="推移", owner_id=alice_id)
        fresh = Company(name="株式会社未実施", name_key="未実施", owner_id=alice_id)
        hidden = Company(name="株式会社ボブ", name_key="ボブ", owner_id=bob_id)
        s.add_all([tracked, fresh, hidden])
        s.commit()
        make_round(s, tracked, ("management", make_answers(0)), period="2026-Q2", closed_at=now - timedelta(days=200))
        make_round(
            s,
            tracked,
            ("management", make_answers(3)),
            ("marketing", make_answers(3, **ALIGNMENT)),
            period="2026-Q3",
            closed_at=now - timedelta(days=100),
        )
        make_round(s, hidden, period="2026-Q3", closed_at=now - timedelta(days=100))
        ids = {"tracked": tracked.id, "fresh": fresh.id, "hidden": hidden.id}
    return alice, bob, ids


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_signed_out_the_dashboard_is_the_sign_in_page(client):
    for url in ("/workspace/dashboard", "/workspace/dashboard?show=overdue&page=2"):
        response = client.get(url)
        assert response.status_code == 302 and "/account/login" in response.location


def test_the_workspace_home_is_the_dashboard_and_lists_only_ones_own_companies(portfolio_of_two):
    alice, bob, ids = portfolio_of_two
    home = alice.get("/workspace/")
    assert home.status_code == 302 and home.location.endswith("/workspace/dashboard")
    page = alice.get("/workspace/dashboard").get_data(as_text=True)
    assert "株式会社&lt;推移&gt;" in page and "株式会社未実施" in page and "ボブ" not in page
    assert f'/workspace/clients/{ids["tracked"]}"' in page and f'/workspace/clients/{ids["hidden"]}"' not in page
    assert 'class="overdue"' in page  # due a quarter after 100 days ago
    words = text_of(page)
    assert ("期限切れ" in words) or ("Overdue" in words)
    assert re.search(r"(上昇|up) \+\d+", words)  # the change is said in words beside the arrow
    bobs = bob.get("/workspace/dashboard").get_data(as_text=True)
    assert "ボブ" in bobs and "推移" not in bobs and "未実施" not in bobs


def test_filters_keep_to_what_matches(app, portfolio_of_two):
    alice, _, ids = portfolio_of_two
    overdue = alice.get("/workspace/dashboard?show=overdue").get_data(as_text=True)
    assert "推移" in overdue and "未実施" not in overdue
    assert "推移" not in alice.get("/workspace/dashboard?show=due_soon").get_data(as_text=True)
    assert "推移" not in alice.get("/workspace/dashboard?show=open").get_data(as_text=True)
    with app.app_context():
        r = rounds.open_round(db.session, db.session.get_one(Company, ids["tracked"]), period="2026-Q4")
        rounds.invite(db.session, r, "marketing")
    opened = text_of(alice.get("/workspace/dashboard?show=open").get_data(as_text=True))
    assert "推移" in opened and "2026-Q4" in opened
    assert ("回答済み 0 名・招待 1 名" in opened) or ("0 answered, 1 invited" in opened)


HOSTILE = [
    "?page=0",
    "?page=-1",
    "?page=99999999999999999999",
    "?page=abc",
    "?page=1e9",
    "?sort=name;drop%20table%20company",
    "?sort=__class__&desc=1",
    "?show=../../etc&sort=level&desc=yes",
    "?show=%00&page=%00",
    "?show=overdue&sort=change&desc=1&page=7",
    "?sort=" + "x" * 5000,
    "?show=<script>alert(1)</script>",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_query_strings_give_a_page_never_a_500(portfolio_of_two, query):
    alice, _, _ = portfolio_of_two
    response = alice.get("/workspace/dashboard" + query)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<script>alert" not in page and "株式会社" in page


def test_sorting_and_the_pager_keep_the_filter(app, portfolio_of_two, monkeypatch):
    from assessment.services import portfolio

    alice, _, _ = portfolio_of_two
    monkeypatch.setattr(portfolio, "PAGE_SIZE", 1)
    first = alice.get("/workspace/dashboard?sort=name").get_data(as_text=True)
    second = alice.get("/workspace/dashboard?sort=name&page=2").get_data(as_text=True)
    assert "推移" in first and "未実施" not in first and "未実施" in second
    assert "page=2" in first and "sort=name" in first
    by_level = alice.get("/workspace/dashboard?sort=level&desc=1").get_data(as_text=True)
    assert "推移" in by_level  # the company with a level comes before the one without
    assert 'aria-sort="descending"' in by_level


class _Svg(HTMLParser):
    def __init__(self):
        super().__init__()
        self.svgs: list[dict] = []
        self.inside: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self.svgs.append(dict(attrs))
        self.inside.append(tag)


def test_the_company_page_shows_the_trend_the_gap_and_their_numbers(portfolio_of_two):
    alice, _, ids = portfolio_of_two
    page = alice.get(f"/workspace/clients/{ids['tracked']}").get_data(as_text=True)
    section = page[page.index('class="company-tracking"') :]
    parser = _Svg()
    parser.feed(section)
    # The trend and the gap, each drawn twice: the report's picture and a phone's (site.css shows one).
    assert len(parser.svgs) == 4 and all(svg.get("role") == "img" and svg.get("aria-label") for svg in parser.svgs)
    assert section.count('class="chart-wide"') == section.count('class="chart-compact"') == 2
    assert section.count("<title>") >= 2 and section.count("<desc>") >= 2
    words = text_of(section)
    assert "2026-Q2" in words and "2026-Q3" in words
    assert ("解消した落とし穴" in words) or ("Pitfalls resolved" in words)
    assert ("マーケティング" in words) or ("Marketing" in words)


def test_a_company_with_fewer_than_two_rounds_gets_a_sentence_only(portfolio_of_two):
    alice, _, ids = portfolio_of_two
    page = alice.get(f"/workspace/clients/{ids['fresh']}").get_data(as_text=True)
    section = page[page.index('class="company-tracking"') : page.index("</section>", page.index("company-tracking"))]
    assert "<svg" not in section and "<table" not in section
    words = text_of(section)
    assert ("2回目" in words) or ("second closed round" in words)  # says what the second round brings


def test_another_consultants_company_page_is_404_and_its_charts_never_render(portfolio_of_two):
    alice, _, ids = portfolio_of_two
    response = alice.get(f"/workspace/clients/{ids['hidden']}")
    assert response.status_code == 404 and "ボブ" not in response.get_data(as_text=True)
