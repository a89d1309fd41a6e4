"""The CLI commands of the web part: db upgrade, funnel, the demo seed."""

from __future__ import annotations

from click.testing import CliRunner

from assessment.cli import main
from assessment.store.migrate import head
from assessment.web.demo import seed


def test_db_upgrade_creates_the_sqlite_file(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"revision {head()}" in result.output and (tmp_path / "cli.db").exists()


def test_demo_seed_and_funnel_counts_by_source(app, monkeypatch):
    urls = seed(app)
    assert "/report/" in urls["results"] and "/pdf/" in urls["pdf"]
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    result = CliRunner().invoke(main, ["funnel"])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split()[1:] for line in result.output.splitlines()[1:]}
    assert rows["newsletter"][:6] == ["2", "1", "6", "1", "1", "0"]
    assert rows["linkedin"][0] == "1" and rows["(direct)"][0] == "1"


def test_the_app_factory_starts_no_thread_migrates_nothing_and_makes_no_file(tmp_path):
    import threading

    from sqlalchemy import inspect

    from assessment.web import create_app
    from tests.web.conftest import make_config

    before = set(threading.enumerate())
    app = create_app(make_config(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'new' / 'x.db'}"))
    assert set(threading.enumerate()) == before
    assert not (tmp_path / "new").exists()
    app.extensions["database"].dispose()
    app = create_app(make_config(tmp_path))
    with app.app_context():
        assert inspect(app.extensions["database"].engine).get_table_names() == []
    app.extensions["database"].dispose()


def test_check_command_and_readyz_report_font_problems(app, client, monkeypatch):
    import assessment.report as report

    problem = "HarfBuzz font subsetting is not active (test)"
    monkeypatch.setattr(report, "check_fonts", lambda: (problem,))
    body = client.get("/readyz").get_json()
    assert body["fonts"] == [problem] and body["database"] == "ok"
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1 and problem in result.output
    monkeypatch.setattr(report, "check_fonts", lambda: ())
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0 and "database: ok" in result.output
    assert client.get("/readyz").get_json()["fonts"] == "ok"


def test_documented_production_command_loads_its_settings_and_the_app(tmp_path):
    """README's gunicorn command, as bench/web.py runs it: the settings module and the app both load."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from assessment.web import gunicorn_conf

    assert (gunicorn_conf.worker_class, gunicorn_conf.reuse_port) == ("gthread", True)
    env = {
        **os.environ,
        "SECRET_KEY": "3f9a1c7e5b2d4086af1e9c3b7d5a2f60",
        "PUBLIC_BASE_URL": "https://diagnosis.example.co.jp",
        "SECURITY_PASSWORD_SALT": "4c8e2a6f1b3d5079ce2a4f6b8d1e3a57",
        "TOTP_SECRETS": "1:7e1a3c5b9d2f4068ba1c3e5d7f9a2b46",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'g.db'}",
        "WEB_CONCURRENCY": "3",
    }
    out = subprocess.run(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "python:assessment.web.gunicorn_conf",
            "--print-config",
            "assessment.web:create_app()",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    pairs = (line.partition("=") for line in out.stdout.splitlines() if "=" in line)
    settings = {name.strip(): value.strip() for name, _, value in pairs}
    assert (settings["workers"], settings["threads"], settings["reuse_port"]) == ("3", "32", "True")
    # X-Forwarded-* are the app's to trust (TRUST_PROXY), never gunicorn's, not even from loopback.
    assert (settings["forwarded_allow_ips"], settings["secure_scheme_headers"]) == ("[]", "{}")
