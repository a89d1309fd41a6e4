"""`assessment users`: accounts of the consultant workspace (the first admin; invitations do the rest)."""

from __future__ import annotations

import sys

import click


@click.group()
def users():
    """Workspace accounts (DATABASE_URL, default: SQLite in the instance folder)."""


@users.command("create")
@click.argument("email")
@click.option("--admin", "is_admin", is_flag=True, help="An administrator (manages users, sees every client).")
@click.option("--name", default="", help="The name shown on reports and in the audit log.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (scripts).")
def create(email, is_admin, name, password_stdin):
    """Create an account; the password is asked for twice (at least 12 characters)."""
    from assessment.services import accounts
    from assessment.web import create_app
    from assessment.web.auth import password_hash
    from assessment.web.database import db

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 12:
        raise click.ClickException("the password needs at least 12 characters")
    app = create_app()
    try:
        with app.app_context():
            account = accounts.create_account(
                db.session,
                email=email,
                password_hash=password_hash(password),
                role_name="admin" if is_admin else "consultant",
                name=name,
            )
            click.echo(f"created {'admin' if is_admin else 'consultant'} {account.email}; sign in at /account/login")
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        app.extensions["database"].dispose()


@users.command("reset-two-factor")
@click.argument("email")
def reset_two_factor(email):
    """Turn an account's two-factor sign-in off (a lost authenticator); its sessions end."""
    from assessment.services import accounts
    from assessment.web import create_app
    from assessment.web.database import db

    app = create_app()
    try:
        with app.app_context():
            account = accounts.reset_two_factor(db.session, email)
            click.echo(f"two-factor sign-in is off for {account.email}: the password alone signs in; set it up again")
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        app.extensions["database"].dispose()
