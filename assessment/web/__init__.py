"""The public website: create_app() assembles the Flask app and does nothing else.

Production: gunicorn -c python:assessment.web.gunicorn_conf 'assessment.web:create_app()'
"""
from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask

from .. import paths


def create_app(test_config: dict | None = None) -> Flask:
    from werkzeug.middleware.proxy_fix import ProxyFix

    from ..store import db
    from . import config, errors, health, security, sessions
    from .api import bp as api_bp
    from .extensions import babel, csrf, limiter, select_babel_locale
    from .survey import bp as survey_bp

    app = Flask(__name__, template_folder=str(paths.TEMPLATES_DIR), static_folder=str(paths.STATIC_DIR),
                instance_relative_config=True)
    app.config.update(config.BASE)
    app.config.update(config.from_env() if test_config is None else {**config.from_env({}), **test_config})
    config.check(app.config)
    # Japanese as UTF-8, not \u escapes (a submission's answer is 40% smaller), in the order built;
    # Flask 3 ignores the JSON_AS_ASCII setting.
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    if not app.config["DATABASE_URL"]:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'assessment.db'}"
    if app.config["TRUST_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUST_PROXY"], x_proto=app.config["TRUST_PROXY"],
                                x_host=app.config["TRUST_PROXY"])

    db.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_babel_locale,
                   default_translation_directories=str(Path(__file__).resolve().parent.parent / "translations"))
    security.init_app(app)
    sessions.init_app(app)
    sessions.install_fast_gettext(app)
    errors.init_app(app)

    app.register_blueprint(survey_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    csrf.exempt(api_bp)  # JSON clients authenticate nothing and carry no cookies: CSRF does not apply
    app.register_blueprint(health.bp)
    if app.config.get("FONT_CHECK", not app.config.get("TESTING")):
        # check_fonts imports WeasyPrint (~0.8 s of CPU): run it beside start-up, not in its way.
        thread = threading.Thread(target=check_fonts, args=(app,), name="font-check", daemon=True)
        app.extensions["font_check"] = thread
        thread.start()
    return app


def check_fonts(app: Flask) -> tuple[str, ...]:
    """Log a warning per problem that makes PDF reports slow or wrong (missing HarfBuzz subsetting, font)."""
    try:
        from ..report import check_fonts as report_check_fonts

        problems = report_check_fonts()
    except Exception:  # a broken WeasyPrint install must not stop the site; the PDF download will say more
        app.logger.exception("could not check the PDF report's fonts")
        return ()
    for problem in problems:
        app.logger.warning("PDF report: %s", problem)
    return problems
