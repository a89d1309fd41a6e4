"""Every text of the site has its Japanese translation: the catalog matches what the code and templates say."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["assessment/web", "templates/_partials", "templates/survey", "templates/errors"]


def _extracted() -> dict[str, set[str]]:
    """msgid -> files using it, extracted as assessment/web/babel.cfg says (pybabel's own code)."""
    with open(ROOT / "assessment/web/babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, set[str]] = {}
    for source in SOURCES:
        for filename, _line, message, _comments, _context in extract_from_dir(
            ROOT / source,
            method_map,
            options_map,
            keywords={"_": None, "_l": None, "gettext": None, "ngettext": (1, 2)},
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            found.setdefault(msgid, set()).add(f"{source}/{filename}")
    return found


def test_every_template_is_read_by_the_extractor():
    files = set().union(*_extracted().values())
    # A template whose tags the extractor does not know ({% cache %}) is skipped without a word.
    assert "templates/survey/page.html" in files and "templates/survey/results.html" in files


def test_every_text_has_a_japanese_translation():
    with open(ROOT / "assessment/translations/ja/LC_MESSAGES/messages.po", "rb") as f:
        catalog = read_po(f, locale="ja")
    missing = []
    for msgid, files in _extracted().items():
        entry = catalog.get(msgid)
        strings = entry.string if entry is not None else ""
        if not (all(strings) if isinstance(strings, tuple) else strings):
            missing.append((msgid, sorted(files)))
    assert missing == []


def test_templates_say_each_string_in_the_locale_in_force(app):
    """The templates' catalog is kept per request (web/template_gettext.py): never a locale that is no longer in force."""
    from flask import render_template_string
    from flask_babel import force_locale

    template = "{{ _('Next') }}/{{ ngettext('%(num)d day', '%(num)d days', 2) }}"
    for chosen, next_ in (("ja", "次へ"), ("en", "Next")):
        with app.test_request_context("/", headers={"Cookie": f"cmo_lang={chosen}"}):
            other, other_next = ("en", "Next") if chosen == "ja" else ("ja", "次へ")
            assert render_template_string(template).startswith(next_ + "/")
            with force_locale(other):  # an e-mail in its reader's language, mid-request
                assert render_template_string(template).startswith(other_next + "/")
            assert render_template_string(template).startswith(next_ + "/")
