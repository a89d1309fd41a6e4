"""The CLI commands of the web part: db upgrade, funnel, the demo seed."""
from __future__ import annotations

from click.testing import CliRunner

from assessment.cli import main
from assessment.web.demo import seed


def test_db_upgrade_creates_the_sqlite_file(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "revision 0003" in result.output and (tmp_path / "cli.db").exists()


def test_demo_seed_and_funnel_counts_by_source(app, monkeypatch):
    urls = seed(app)
    assert "/report/" in urls["results"] and "/pdf/" in urls["pdf"]
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    result = CliRunner().invoke(main, ["funnel"])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split()[1:] for line in result.output.splitlines()[1:]}
    assert rows["newsletter"][:6] == ["2", "1", "6", "1", "1", "0"]
    assert rows["linkedin"][0] == "1" and rows["(direct)"][0] == "1"


def test_start_up_warns_when_pdf_fonts_are_not_active(tmp_path, monkeypatch, caplog):
    """create_app (gunicorn and `assessment serve`) checks the report's fonts beside start-up, off under TESTING."""
    import assessment.report as report
    from assessment.web import create_app

    from .conftest import make_config

    problem = "HarfBuzz font subsetting is not active (test)"
    monkeypatch.setattr(report, "check_fonts", lambda: (problem,))
    assert "font_check" not in create_app(make_config(tmp_path)).extensions  # TESTING: no check
    with caplog.at_level("WARNING"):
        app = create_app(make_config(tmp_path, FONT_CHECK=True))
        app.extensions["font_check"].join(timeout=30)
    assert any(problem in r.getMessage() and r.levelname == "WARNING" for r in caplog.records)
    monkeypatch.setattr(report, "check_fonts", lambda: ())
    caplog.clear()
    app = create_app(make_config(tmp_path, FONT_CHECK=True))
    app.extensions["font_check"].join(timeout=30)
    assert not [r for r in caplog.records if "PDF report" in r.getMessage()]


def test_documented_production_command_loads_its_settings_and_the_app(tmp_path):
    """README's gunicorn command, as bench/web.py runs it: the settings module and the app both load."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from assessment.web import gunicorn_conf

    assert (gunicorn_conf.worker_class, gunicorn_conf.reuse_port) == ("gthread", True)
    env = {**os.environ, "SECRET_KEY": "x" * 32, "DATABASE_URL": f"sqlite:///{tmp_path / 'g.db'}",
           "WEB_CONCURRENCY": "3"}
    out = subprocess.run([str(Path(sys.executable).parent / "gunicorn"), "-c", "python:assessment.web.gunicorn_conf",
                          "--print-config", "assessment.web:create_app()"],
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    settings = dict(map(str.strip, line.split("=", 1)) for line in out.stdout.splitlines() if "=" in line)
    assert (settings["workers"], settings["threads"], settings["reuse_port"]) == ("3", "2", "True")
