"""A company is found again by 法人番号, corporate e-mail domain or normalised name, and not merged wrongly."""

from __future__ import annotations

from sqlalchemy import func, select

from assessment.services import companies
from assessment.store import Company
from tests.factories import make_company


def test_find_or_create_finds_the_same_company_by_each_key(session):
    s = session
    first = companies.find_or_create(s, name="株式会社サンプル", email="taro@sample.co.jp", size="s30_50")
    assert companies.find_or_create(s, name="(株)サンプル") is first  # by name
    assert companies.find_or_create(s, name="Sample Holdings", email="hanako@sample.co.jp") is first  # by domain
    numbered = companies.find_or_create(s, name="別の会社", corporate_number="7000012050002")
    assert numbered is not first and numbered.corporate_number == "7000012050002"
    assert companies.find_or_create(s, name="全く違う名前", corporate_number="7000012050002") is numbered
    other = companies.find_or_create(s, name="他社", email="ken@gmail.com")  # a free-mail domain names nobody
    assert other is not first and other.email_domain is None
    assert companies.find_or_create(s, name="他社２", email="ken2@gmail.com") is not other
    s.commit()
    assert s.scalar(select(func.count()).select_from(Company)) == 4


def test_the_same_name_under_another_corporate_domain_is_another_company(session):
    first = make_company(session, "山田商事株式会社", email="a@yamada-shoji.co.jp")
    other = companies.find_or_create(session, name="山田商事", email="b@yamada-trading.jp")
    assert other is not first and other.email_domain == "yamada-trading.jp"
    assert companies.find_or_create(session, name="（株）山田商事") is first  # no domain given: the oldest by name


def test_a_lead_does_not_overwrite_what_is_known_of_a_company(session):
    known = make_company(session, "株式会社サンプル", size="s301_999", industry="manufacturing")
    again = companies.find_or_create(session, name="サンプル", size="s1_29", industry="retail")
    assert again is known and (known.size, known.industry) == ("s301_999", "manufacturing")
