"""The keys a company is found again by: name, corporate e-mail domain, 法人番号."""

from __future__ import annotations

import pytest

from assessment.store import identity


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
    assert identity.name_key(name) == "サンプル"


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
    assert identity.name_key(name) == key


@pytest.mark.parametrize(
    "email, domain",
    [
        ("taro@Sample.co.jp", "sample.co.jp"),
        ("taro@ab.ocn.ne.jp", None),
        ("taro@xa2.so-net.ne.jp", None),
        ("taro@mail.sample.co.jp", "mail.sample.co.jp"),
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
    assert identity.corporate_domain(email) == domain


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
    assert identity.valid_corporate_number(number) is valid
