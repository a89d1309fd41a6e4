"""Commands for the website and its database. Flask loads inside each command only."""

from __future__ import annotations

import os

import click


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _warn_about_fonts() -> None:
    from assessment.report import check_fonts  # imports WeasyPrint

    for problem in check_fonts():
        click.echo(f"warning: PDF report: {problem}", err=True)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="Seed a finished sample assessment and some funnel events.")
@click.option("--debug", is_flag=True, help="Reload on code changes and show tracebacks.")
def serve(host, port, demo, debug):
    """Run the website with Flask's development server (production: gunicorn, see README).

    Migrates the database first, so the SQLite default needs no set-up.
    """
    os.environ.setdefault("ASSESSMENT_ENV", "development")
    from assessment.store.migrate import upgrade
    from assessment.web import create_app

    app = create_app()
    upgrade(app.config["DATABASE_URL"])
    _warn_about_fonts()
    if demo:
        from assessment.web.demo import seed

        app.config["DEMO_BASE_URL"] = f"http://{host}:{port}"
        urls = seed(app)
        click.echo(f"demo: a finished sample assessment: {urls['results']}")
        click.echo(f"demo: its PDF report: {urls['pdf']}")
    serving = f"serving on http://{host}:{port}/  (database: {_safe_url(app.config['DATABASE_URL'])})"
    if debug:  # the reloader binds in a child process
        click.echo(serving)
        app.run(host=host, port=port, debug=True, use_reloader=True)
        return
    from werkzeug.serving import make_server

    try:  # bind first: "serving on" is said only once it is true
        server = make_server(host, port, app, threaded=True)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    click.echo(serving)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@click.command()
def check():
    """Check the installation: the PDF report's fonts and the database; exit 1 on a problem."""
    from assessment.report import check_fonts
    from assessment.store import Database, default_url
    from assessment.store.migrate import current

    problems = list(check_fonts())
    for problem in problems:
        click.echo(f"warning: PDF report: {problem}", err=True)
    url = default_url()
    database = Database(url)
    try:
        database.ping()
        click.echo(f"database: ok, revision {current(url)}: {_safe_url(url)}")
    except Exception as exc:  # any driver error: report it, do not trace back
        click.echo(f"error: database {_safe_url(url)}: {type(exc).__name__}: {exc}", err=True)
        problems.append("database")
    finally:
        database.dispose()
    if problems:
        raise SystemExit(1)
    click.echo("fonts: ok")


@click.group()
def db():
    """Database schema (DATABASE_URL, default: SQLite in the instance folder)."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision):
    """Apply the migrations up to REVISION."""
    from assessment.store import default_url
    from assessment.store.migrate import current, upgrade

    url = default_url()
    upgrade(url, revision)
    click.echo(f"database at revision {current(url)}: {_safe_url(url)}")


@db.command("downgrade")
@click.argument("revision")
def db_downgrade(revision):
    """Revert the migrations down to REVISION (e.g. 0003, or base)."""
    from assessment.store import default_url
    from assessment.store.migrate import current, downgrade

    url = default_url()
    downgrade(url, revision)
    click.echo(f"database at revision {current(url)}: {_safe_url(url)}")


@click.command()
def funnel():
    """Print the funnel: event counts by UTM source."""
    from assessment.services.funnel import counts_by_source
    from assessment.store import Database, default_url
    from assessment.store.models import FUNNEL_EVENTS

    database = Database(default_url())
    try:
        with database.session() as session:
            table = counts_by_source(session)
    finally:
        database.dispose()
    width = max([len(s) for s in table] + [8])
    click.echo(" ".join([f"{'source':<{width}}"] + [f"{e:>15}" for e in FUNNEL_EVENTS]))
    for source, counts in table.items():
        click.echo(" ".join([f"{source:<{width}}"] + [f"{counts[e]:>15}" for e in FUNNEL_EVENTS]))
