"""CSV building blocks: formula-safe cells, the cp932 encoder's count, rows from odd stored answers."""

from __future__ import annotations

import csv
import io

import pytest

from assessment.services import accounts, exports
from assessment.store import Answer
from tests.factories import make_answers, make_assessment, make_company


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+81", "'+81"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\0x", "'\0x"),
        ("a=b", "a=b"),
        (-3, "-3"),  # a number is a number
        (None, ""),
        ("", ""),
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_escaped(value, cell):
    assert exports.safe_cell(value) == cell


def test_cp932_replaces_and_counts_what_it_cannot_hold():
    encoder = exports.Encoder("cp932")
    data = encoder.start() + encoder.rows([["𠮷野家", "髙橋", "😀"]])
    assert data.decode("cp932") == "?野家,髙橋,?\r\n" and encoder.replaced == 2
    with pytest.raises(ValueError):
        exports.Encoder("latin-1")


def test_rows_survive_answers_kept_in_shapes_the_bank_no_longer_has(session):
    admin = accounts.create_account(session, email="a@x.jp", password_hash="x", role_name="admin")
    company = make_company(session, "株式会社古い形")
    a = make_assessment(session, make_answers(1), company=company)
    session.add(Answer(assessment_id=a.id, question="al_goal_agreement_old", value={"nested": [1]}))
    row = next(r for r in a.answers if r.question == "al_goal_agreement")
    row.value = [["nested"], 2]  # not a string, not a list of strings
    session.commit()
    out = b"".join(exports.stream(exports.Encoder("utf-8"), exports.assessment_rows(session, admin, "ja")))
    rows = list(csv.DictReader(io.StringIO(out.decode("utf-8-sig"), newline="")))
    assert len(rows) == 1 and rows[0]["company"] == "株式会社古い形"
    assert rows[0]["al_goal_agreement"] == "['nested']|2"
