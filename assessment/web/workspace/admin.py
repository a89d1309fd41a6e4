"""Administration: consultants and invitations, the audit log. Admins only; accepting an invitation is public."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from assessment.services import accounts, audit
from assessment.services.accounts import AccountError
from assessment.store.workspace import Account, Invitation
from assessment.web.auth import password_hash
from assessment.web.database import db
from assessment.web.workspace.access import admin_only, bp, log, page_number, see_other
from assessment.web.workspace.forms import AcceptForm, InviteForm

invite_bp = Blueprint("invite", __name__)


def _users_page(form: InviteForm, link: str | None = None, status: int = 200):
    users = list(db.session.scalars(select(Account).order_by(Account.email)))
    pending = list(
        db.session.scalars(select(Invitation).where(Invitation.accepted_at.is_(None)).order_by(Invitation.id.desc()))
    )
    return render_template("workspace/users.html", users=users, pending=pending, form=form, link=link), status


@bp.get("/users")
def users():
    admin_only()
    return _users_page(InviteForm())


@bp.post("/users/invite")
def invite():
    admin = admin_only()
    form = InviteForm()
    if not form.validate():
        return _users_page(form, status=422)
    try:
        token = accounts.invite(db.session, admin, form.email.data, form.role.data)
    except AccountError:
        db.session.rollback()
        form.email.errors = [_("An account for this e-mail address exists already.")]
        return _users_page(form, status=409)
    log("change", f"invitation:{accounts.normal_email(form.email.data)}", f"role {form.role.data}")
    link = url_for("invite.accept", token=token, _external=True)
    return _users_page(InviteForm(formdata=None), link=link, status=201)


@bp.get("/audit")
def audit_log():
    admin_only()
    number = page_number()
    events = audit.latest(db.session, limit=200, offset=(number - 1) * 200)
    return render_template("workspace/audit.html", events=events, page=number)


@invite_bp.route("/invite/<token>", methods=["GET", "POST"])
def accept(token: str):
    invitation = accounts.open_invitation(db.session, token)
    if invitation is None:
        abort(404)
    form = AcceptForm()
    if request.method == "POST":
        if not form.validate():
            return render_template("workspace/accept.html", form=form, invitation=invitation), 422
        try:
            account = accounts.accept_invitation(
                db.session, invitation, name=form.name.data, password_hash=password_hash(form.password.data)
            )
        except AccountError:
            db.session.rollback()
            abort(409)
        audit.record(db.session, account, "change", f"account:{account.id}", "invitation accepted")
        return see_other("security.login", _("Your account is ready. Please sign in."))
    return render_template("workspace/accept.html", form=form, invitation=invitation)
