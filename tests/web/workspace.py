"""Helpers for the workspace tests: accounts made through the services, signing in through the real form."""

from __future__ import annotations

from assessment.services import accounts
from assessment.web.auth import password_hash
from assessment.web.database import db

PASSWORD = "correct horse battery"


def make_account(app, email: str, role: str = "consultant", name: str = "") -> int:
    with app.app_context():
        account = accounts.create_account(
            db.session, email=email, password_hash=password_hash(PASSWORD), role_name=role, name=name or email
        )
        return account.id


def sign_in(client, email: str, password: str = PASSWORD):
    return client.post("/account/login", data={"email": email, "password": password}, follow_redirects=False)


def signed_in(app, email: str, role: str = "consultant"):
    """A new test client signed in as a new account: (client, account id)."""
    account_id = make_account(app, email, role)
    client = app.test_client()
    response = sign_in(client, email)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return client, account_id


def download(client, url: str):
    """A streamed response read whole and closed, as a WSGI server closes it: the export's session ends then."""
    response = client.get(url)
    try:
        response.get_data()
    finally:
        response.close()
    return response


def goes_to_last_page(client, url: str, kept: str, shown: str) -> None:
    """A list's page past its end redirects to its last page (here the first), keeping the filters."""
    response = client.get(url)
    assert response.status_code == 302
    assert "page=1" in response.location and kept in response.location
    assert shown in client.get(response.location).get_data(as_text=True)
