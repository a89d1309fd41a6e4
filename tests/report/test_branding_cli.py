"""Branding from the environment; the CLI writes a PDF."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from assessment.cli import main
from assessment.report import Branding, render_html
from tests.report.conftest import HERE, diagnosis


def test_branding_reads_environment_and_keeps_defaults():
    b = Branding.from_env({"CMO_BRAND_NAME": "Sakura Consulting", "CMO_BRAND_COLOR": "#aa3355"})
    assert (b.name, b.color) == ("Sakura Consulting", "#aa3355")
    assert b.url == Branding().url and b.logo == Branding().logo


@pytest.mark.parametrize("color", ["red", "#12345", "#123456; } body { display: none"])
def test_branding_colour_must_be_a_hex_colour(color):
    with pytest.raises(ValueError, match="hex colour"):
        Branding(color=color)


def test_branding_shows_on_the_report():
    b = Branding(name="Sakura Consulting", color="#aa3355", url="https://sakura.example/contact", logo=None)
    html = render_html(diagnosis("mature", "en"), branding=b)
    assert "Sakura Consulting" in html and "https://sakura.example/contact" in html and "#aa3355" in html


def test_cli_writes_the_pdf(tmp_path: Path):
    out = tmp_path / "report.pdf"
    result = CliRunner().invoke(
        main,
        [
            "evaluate",
            str(HERE / "answers" / "mid_silo.yaml"),
            "--pdf",
            str(out),
            "--locale",
            "en",
            "--company",
            "Acme Corp",
            "--respondent",
            "Jane Doe",
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")


def test_the_call_to_action_reaches_the_pdf_from_the_sites_settings():
    b = Branding.from_env(
        {
            "BRAND_NAME": "株式会社サンプル",
            "BOOKING_URL": "https://consult.example.jp/booking",
            "CONTACT_PHONE": "03-1234-5678",
            "CONTACT_EMAIL": "hello@consult.example.jp",
        }
    )
    assert b.name == "株式会社サンプル"
    html = render_html(diagnosis("mature", "ja"), branding=b)
    assert 'href="https://consult.example.jp/booking"' in html and "03-1234-5678" in html
    assert 'href="mailto:hello@consult.example.jp"' in html


def test_a_booking_link_must_be_http():
    with pytest.raises(ValueError, match="booking URL"):
        Branding(booking_url="javascript:alert(1)")
