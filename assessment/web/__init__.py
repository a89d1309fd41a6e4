"""The website: create_app() assembles the Flask app and does nothing else.

No migrations, no threads, no files: `assessment db upgrade` (and `assessment serve` for the
SQLite default) migrate; `assessment check` and /readyz report the PDF fonts.

Production: gunicorn -c python:assessment.web.gunicorn_conf 'assessment.web:create_app()'
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.routing import IntegerConverter

from assessment import paths


class RowId(IntegerConverter):
    """<int:…> in a URL is a row id, a 64-bit integer: past that it names no row (404). SQLite
    cannot bind such a number at all (OverflowError: a 500 for /workspace/clients/99999999999999999999)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


def create_app(test_config: dict | None = None) -> Flask:
    from werkzeug.middleware.proxy_fix import ProxyFix

    from assessment.web import admission, auth, config, errors, health, queue, security, template_gettext
    from assessment.web.api import bp as api_bp
    from assessment.web.database import db
    from assessment.web.extensions import babel, csrf, fragments, limiter, select_babel_locale
    from assessment.web.survey import bp as survey_bp
    from assessment.web.workspace import bp as workspace_bp
    from assessment.web.workspace.admin import invite_bp

    app = Flask(__name__, template_folder=str(paths.TEMPLATES_DIR), static_folder=str(paths.STATIC_DIR))
    app.url_map.converters["int"] = RowId  # before any blueprint adds its rules
    app.config.update(config.BASE)
    app.config.update(config.from_env() if test_config is None else {**config.from_env({}), **test_config})
    config.check(app.config)
    if app.config["PDF_RENDER_AHEAD"] is None:  # ahead of demand only where a queue's workers render
        app.config["PDF_RENDER_AHEAD"] = bool(app.config["REDIS_URL"])
    if app.config["TRUST_PROXY"]:
        hops = app.config["TRUST_PROXY"]
        # Wrapping wsgi_app is Flask's documented way to add middleware; mypy sees a method replaced.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    if app.config["WEB_ACTIVE_REQUESTS"]:
        # Middleware, as ProxyFix above; mypy sees a method replaced.
        app.wsgi_app = admission.Admission(  # type: ignore[method-assign]
            app.wsgi_app, app.config["WEB_ACTIVE_REQUESTS"], app.config["MAX_CONTENT_LENGTH"]
        )
    db.init_app(app)
    queue.init_app(app)
    csrf.init_app(app)
    fragments.init_app(app)
    limiter.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_babel_locale,
        default_translation_directories=str(Path(__file__).resolve().parent.parent / "translations"),
    )
    template_gettext.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    # Japanese as UTF-8, not \u escapes, in the order built; Flask 3 ignores JSON_AS_ASCII. Set after
    # auth.init_app: Flask-Security installs a JSON provider of its own there.
    # app.json is typed as the JSONProvider base, which lacks the DefaultJSONProvider settings.
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    errors.init_app(app)

    app.register_blueprint(survey_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    csrf.exempt(api_bp)  # JSON clients authenticate nothing and carry no cookies: CSRF does not apply
    app.register_blueprint(health.bp)
    app.register_blueprint(workspace_bp)
    app.register_blueprint(invite_bp)
    return app
