"""Clients: the list (search, sort, pages), the detail page, create and edit, notes, sharing, merge."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms import SelectChoice

from assessment.bank.questionnaire import default_questionnaire
from assessment.bank.roles import COMPANY_SIZE
from assessment.services import accounts, clients, interviews
from assessment.services.clients import PAGE_SIZE, ClientError
from assessment.store.models import Lead
from assessment.store.workspace import Account
from assessment.web.database import db
from assessment.web.extensions import page_locale
from assessment.web.workspace.access import (
    bp,
    client_or_404,
    log,
    me,
    page_count,
    page_number,
    past_the_end,
    posted_account,
    refused,
    see_other,
)
from assessment.web.workspace.forms import AccountChoiceForm, ClientForm, MergeForm, NoteForm


def client_error(code: str) -> str:
    return {
        "exists_elsewhere": _(
            "This company is already a client of another consultant. Ask them or an administrator to share it."
        ),
        "free_mail_domain": _("A free-mail domain cannot identify a company. Leave the field empty."),
        "bad_corporate_number": _("This is not a valid corporate number (check digit)."),
        "corporate_number_taken": _("Another client already has this corporate number. Merge the two instead."),
        "empty_note": _("Please write the note."),
        "note_too_long": _("Please use at most %(max)d characters.", max=clients.NOTE_MAX),
        "not_owner": _("Only the client's owner or an administrator can do this."),
        "unknown_account": _("Please choose a consultant from the list."),
        "same_company": _("A client cannot be merged with itself."),
    }.get(code, _("This change could not be made."))


@bp.get("/")
def home():
    return redirect(url_for(".dashboard"))


@bp.get("/clients")
def client_list():
    q = request.args.get("q", "")[:200]
    sort = request.args.get("sort", "name")
    desc = request.args.get("desc") == "1"
    number = page_number()
    rows, total = clients.list_clients(db.session, me(), q=q, sort=sort, desc=desc, page=number)
    pages = page_count(total, PAGE_SIZE)
    if (last := past_the_end(".client_list", number, pages)) is not None:
        return last
    return render_template(
        "workspace/clients.html",
        rows=rows,
        total=total,
        q=q,
        sort=sort if sort in clients.SORTS else "name",
        desc=desc,
        page=number,
        pages=pages,
    )


def _form_values(form: ClientForm) -> dict:
    return {
        "name": form.name.data.strip(),
        "email_domain": form.email_domain.data or None,
        "corporate_number": (form.corporate_number.data or "").strip() or None,
        "industry": (form.industry.data or "").strip() or None,
        "size": form.size.data or None,
    }


@bp.route("/clients/new", methods=["GET", "POST"])
def client_new():
    form = ClientForm(locale=page_locale())
    if request.method == "POST":
        if not form.validate():
            return render_template("workspace/client_form.html", form=form, company=None), 422
        try:
            company, created = clients.create(db.session, me(), **_form_values(form))
        except ClientError as exc:
            db.session.rollback()
            form.name.errors = [client_error(exc.code)]
            return render_template("workspace/client_form.html", form=form, company=None), 409
        log("change", f"company:{company.id}", "created" if created else "found again")
        found = None if created else _("This company is already a client: here is its page.")
        return see_other(".client_detail", found, company_id=company.id)
    return render_template("workspace/client_form.html", form=form, company=None)


@bp.route("/clients/<int:company_id>/edit", methods=["GET", "POST"])
def client_edit(company_id: int):
    company = client_or_404(company_id)
    form = ClientForm(locale=page_locale(), obj=company if request.method == "GET" else None)
    if request.method == "POST":
        if not form.validate():
            return render_template("workspace/client_form.html", form=form, company=company), 422
        try:
            clients.edit(db.session, company, **_form_values(form))
        except ClientError as exc:
            db.session.rollback()
            field = form.corporate_number if "corporate" in exc.code else form.email_domain
            field.errors = [client_error(exc.code)]
            return render_template("workspace/client_form.html", form=form, company=company), 422
        log("change", f"company:{company.id}", "edited")
        return see_other(".client_detail", _("Saved."), company_id=company.id)
    return render_template("workspace/client_form.html", form=form, company=company)


def _detail(company, note_form=None, status=200):
    account = me()
    leads = list(db.session.scalars(select(Lead).where(Lead.company_id == company.id).order_by(Lead.id.desc())))
    others = [c for c in accounts.consultants(db.session) if c.id != company.owner_id]
    share_form, owner_form = AccountChoiceForm(prefix="share"), AccountChoiceForm(prefix="owner")
    share_form.account.choices = [SelectChoice(c.id, c.label) for c in others]
    owner_form.account.choices = [SelectChoice(c.id, c.label) for c in accounts.consultants(db.session)]
    owner_form.account.data = company.owner_id
    owner = db.session.get(Account, company.owner_id) if company.owner_id else None
    return render_template(
        "workspace/client.html",
        company=company,
        owner=owner,
        size_label=default_questionnaire().answer_label(COMPANY_SIZE.question, company.size, page_locale()),
        assessments=interviews.in_progress(db.session, company),
        leads=leads,
        notes=clients.notes(db.session, company),
        shares=clients.shares(db.session, company),
        duplicates=clients.duplicates(db.session, account, company),
        may_manage=account.is_admin or company.owner_id == account.id,
        note_form=note_form or NoteForm(),
        share_form=share_form,
        owner_form=owner_form,
        merge_form=MergeForm(),
    ), status


@bp.get("/clients/<int:company_id>")
def client_detail(company_id: int):
    company = client_or_404(company_id)
    log("view", f"company:{company.id}")
    return _detail(company)


@bp.post("/clients/<int:company_id>/notes")
def client_note(company_id: int):
    company = client_or_404(company_id)
    form = NoteForm()
    if not form.validate():
        return _detail(company, form, 422)
    clients.add_note(db.session, me(), company, form.body.data)
    log("change", f"company:{company.id}", "note added")
    return see_other(".client_detail", company_id=company.id, _anchor="notes")


def _chosen_account(prefix: str) -> Account | None:
    """The account a share or owner form chose (None: none, or not one), once its CSRF token is checked."""
    form = AccountChoiceForm(prefix=prefix)
    if not form.validate():
        abort(400)
    return posted_account(f"{form._prefix}account")


@bp.post("/clients/<int:company_id>/share")
def client_share(company_id: int):
    company = client_or_404(company_id)
    other = _chosen_account("share")
    try:
        clients.share(db.session, me(), company, other)
    except ClientError as exc:
        return refused(client_error(exc.code), ".client_detail", company_id=company.id)
    log("change", f"company:{company.id}", f"shared with account:{other.id if other else '?'}")
    return see_other(".client_detail", company_id=company.id, _anchor="sharing")


@bp.post("/clients/<int:company_id>/unshare/<int:account_id>")
def client_unshare(company_id: int, account_id: int):
    company = client_or_404(company_id)
    if not AccountChoiceForm(prefix="unshare").validate():
        abort(400)
    try:
        clients.unshare(db.session, me(), company, account_id)
    except ClientError as exc:
        return refused(client_error(exc.code), ".client_detail", company_id=company.id)
    log("change", f"company:{company.id}", f"unshared account:{account_id}")
    return see_other(".client_detail", company_id=company.id, _anchor="sharing")


@bp.post("/clients/<int:company_id>/owner")
def client_owner(company_id: int):
    company = client_or_404(company_id)
    owner = _chosen_account("owner")
    try:
        clients.set_owner(db.session, me(), company, owner)
    except ClientError as exc:
        return refused(client_error(exc.code), ".client_detail", company_id=company.id)
    log("change", f"company:{company.id}", f"owner account:{owner.id if owner else '?'}")
    return see_other(".client_detail", company_id=company.id)


@bp.post("/clients/<int:company_id>/merge")
def client_merge(company_id: int):
    keep = client_or_404(company_id)
    form = MergeForm()
    if not form.validate():
        abort(400)
    duplicate = client_or_404(int(form.duplicate.data))
    try:
        clients.merge(db.session, me(), keep, duplicate)
    except ClientError as exc:
        return refused(client_error(exc.code), ".client_detail", company_id=keep.id)
    log("change", f"company:{keep.id}", f"merged company:{form.duplicate.data}")
    return see_other(".client_detail", _("The two clients are merged."), company_id=keep.id)
