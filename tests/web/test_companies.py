"""A company is found again by 法人番号, corporate e-mail domain or normalised name."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assessment.services import companies
from assessment.store import Company, Lead
from assessment.web.database import db
from tests.web.test_survey import LEAD, answer_all, start


@pytest.mark.parametrize(
    "name",
    [
        "株式会社サンプル",
        "(株)サンプル",
        "（株）サンプル",
        "ｻﾝﾌﾟﾙ㈱",
        "サンプル 株式会社",
        "サンプル株式会社",
        "  サンプル・株式会社 ",
    ],
)
def test_legal_forms_widths_and_spacing_do_not_change_the_name_key(name):
    assert companies.name_key(name) == "サンプル"


@pytest.mark.parametrize(
    "name, key",
    [
        ("Sample Co., Ltd.", "sample"),
        ("SAMPLE Inc.", "sample"),
        ("ＳＡＭＰＬＥ", "sample"),
        ("Kabushiki Kaisha Sample", "sample"),
        ("有限会社 山田商店", "山田商店"),
        ("Incubate Partners", "incubatepartners"),
        ("", ""),
    ],
)
def test_name_keys_of_latin_and_other_legal_forms(name, key):
    assert companies.name_key(name) == key


@pytest.mark.parametrize(
    "email, domain",
    [
        ("taro@Sample.co.jp", "sample.co.jp"),
        ("taro@gmail.com", None),
        ("taro@yahoo.co.jp", None),
        ("taro@docomo.ne.jp", None),
        ("taro@i.softbank.jp", None),
        ("taro@icloud.com", None),
        ("not-an-email", None),
        (None, None),
        ("taro@", None),
    ],
)
def test_free_mail_and_carrier_domains_never_identify_a_company(email, domain):
    assert companies.corporate_domain(email) == domain


@pytest.mark.parametrize(
    "number, valid",
    [
        ("7000012050002", True),  # 国税庁
        ("1180301018771", True),
        ("8000012050002", False),  # check digit off by one
        ("700001205000", False),
        ("70000120500021", False),
        ("７０００１２０５０００２", False),
        ("abcdefghijklm", False),
        (None, False),
    ],
)
def test_corporate_numbers_are_checked_by_their_check_digit(number, valid):
    assert companies.valid_corporate_number(number) is valid


def test_find_or_create_finds_the_same_company_by_each_key(app):
    with app.app_context():
        s = db.session
        first = companies.find_or_create(s, name="株式会社サンプル", email="taro@sample.co.jp", size="s30_99")
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


def test_two_leads_of_one_company_share_one_company_row(app):
    for email, name in (("taro@example.co.jp", "株式会社テスト"), ("jiro@example.co.jp", "（株）テスト")):
        client = app.test_client()
        start(client)
        results = answer_all(client)
        resp = client.post(results + "/lead", data={**LEAD, "email": email, "company": name})
        assert resp.status_code == 303
    with app.app_context():
        leads = db.session.scalars(select(Lead)).all()
        assert len(leads) == 2 and leads[0].company_id == leads[1].company_id is not None
        assert db.session.scalar(select(func.count()).select_from(Company)) == 1
