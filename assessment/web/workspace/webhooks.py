"""Webhook endpoints (the CRM) for admins: add, edit, enable, rotate the secret, remove; the delivery log,
replay and a test message. What each does is assessment.services.webhooks; a secret is shown once."""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _

from assessment.services import webhooks
from assessment.services.webhooks import BadSecret, RefusedURL, WebhookError
from assessment.store.background import WebhookEndpoint
from assessment.web import admission
from assessment.web.database import db
from assessment.web.workspace.access import admin_only, bp, form_checked, log, page_number, refused, see_other
from assessment.web.workspace.forms import SecretForm, WebhookForm, event_names

PAGE_SIZE = 50
NO_STORE = {"Cache-Control": "no-store"}  # pages showing a secret


def delivery_statuses() -> dict[str, str]:
    return {
        "pending": _("waiting"),
        "delivered": _("delivered"),
        "failed": _("failed, will try again"),
        "gave_up": _("given up"),
        "gone": _("receiver gone (410)"),
    }


def _endpoint_or_404(endpoint_id: int) -> WebhookEndpoint:
    admin_only()
    found = db.session.get(WebhookEndpoint, endpoint_id) if endpoint_id < 2**31 else None
    if found is None:
        abort(404)
    return found


def _back(found: WebhookEndpoint, change: str | None, message: str, category: str = "info"):
    """After a change (audited when there was one): the endpoint's page again, saying what happened."""
    if change:
        log("change", f"webhook:{found.id}", change)
    return see_other(".webhook_detail", message, category, endpoint_id=found.id)


def _allow_private() -> bool:
    return bool(current_app.config["WEBHOOK_ALLOW_PRIVATE"])


def _refusal(reason: str) -> str:
    return {
        "scheme": _("The URL does not start with https:// followed by a host name."),
        "credentials": _("The URL carries a user name or password."),
        "port": _("The port number is not valid."),
        "unresolvable": _("The host name cannot be found (DNS)."),
        "private": _("The host resolves to a private, loopback, link-local or reserved address."),
    }.get(reason, _("The URL is not valid."))


def _form_error(form: WebhookForm | SecretForm, exc: WebhookError) -> None:
    """What the service refused, on its field and in the page's language (the CLI prints the English detail)."""
    if isinstance(exc, BadSecret):
        form.secret.errors = [_("A secret is whsec_ followed by 24 to 64 bytes in base64.")]
    elif isinstance(exc, RefusedURL) and isinstance(form, WebhookForm):
        form.url.errors = [
            _(
                "This site does not send to that URL: it must start with https:// and reach a public address "
                "(not a private, loopback or link-local one). %(reason)s",
                reason=_refusal(exc.reason),
            )
        ]
    elif isinstance(form, WebhookForm):
        form.url.errors = [_("The URL is longer than 2000 characters.")]


def _list_page(form: WebhookForm, status: int = 200):
    return render_template(
        "workspace/webhooks.html", endpoints=webhooks.endpoints(db.session), form=form, events=event_names()
    ), status


@bp.get("/webhooks")
def webhook_list():
    admin_only()
    return _list_page(WebhookForm(formdata=None, events=["lead.created"]))


@bp.post("/webhooks")
def webhook_create():
    admin_only()
    form = WebhookForm()
    if not form.validate():
        return _list_page(form, 422)
    try:
        with admission.waiting():  # the URL's host is resolved (the egress guard): no slot held for DNS
            found = webhooks.add_endpoint(
                db.session,
                form.url.data,
                form.events.data,
                secret=form.secret.data or None,
                description=form.description.data,
                allow_private=_allow_private(),
            )
    except WebhookError as exc:
        db.session.rollback()
        _form_error(form, exc)
        return _list_page(form, 422)
    log("change", f"webhook:{found.id}", f"added {found.url} ({', '.join(found.events)})")
    return _detail_page(found, shown_secret=found.secret, status=201)


def _detail_page(
    found: WebhookEndpoint,
    *,
    form: WebhookForm | None = None,
    secret_form: SecretForm | None = None,
    shown_secret: str | None = None,
    status: int = 200,
):
    number = page_number()
    deliveries = webhooks.log(db.session, found.id, limit=PAGE_SIZE + 1, offset=(number - 1) * PAGE_SIZE)
    form = form or WebhookForm(formdata=None, obj=found)
    return (
        render_template(
            "workspace/webhook.html",
            endpoint=found,
            form=form,
            secret_form=secret_form or SecretForm(formdata=None),
            deliveries=deliveries[:PAGE_SIZE],
            more=len(deliveries) > PAGE_SIZE,
            page=number,
            statuses=delivery_statuses(),
            events=event_names(),
            shown_secret=shown_secret,
        ),
        status,
        NO_STORE if shown_secret else {},
    )


@bp.get("/webhooks/<int:endpoint_id>")
def webhook_detail(endpoint_id: int):
    return _detail_page(_endpoint_or_404(endpoint_id))


@bp.post("/webhooks/<int:endpoint_id>")
def webhook_edit(endpoint_id: int):
    found = _endpoint_or_404(endpoint_id)
    form = WebhookForm()
    del form.secret  # the secret changes by rotation only
    if not form.validate():
        return _detail_page(found, form=form, status=422)
    try:
        with admission.waiting():  # as in webhook_create: the service commits before the slot is taken back
            webhooks.update_endpoint(
                db.session,
                found.id,
                form.url.data,
                form.events.data,
                description=form.description.data,
                allow_private=_allow_private(),
            )
    except WebhookError as exc:
        db.session.rollback()
        _form_error(form, exc)
        return _detail_page(db.session.get_one(WebhookEndpoint, endpoint_id), form=form, status=422)
    return _back(found, f"edited: {found.url} ({', '.join(found.events)})", _("Saved."))


@bp.post("/webhooks/<int:endpoint_id>/enabled")
def webhook_enabled(endpoint_id: int):
    found = _endpoint_or_404(endpoint_id)
    form_checked()
    enabled = request.form.get("enabled") == "1"
    webhooks.set_enabled(db.session, found.id, enabled)
    return _back(
        found,
        "enabled" if enabled else "disabled",
        _("The endpoint is enabled.") if enabled else _("The endpoint is disabled: nothing is sent to it."),
    )


@bp.post("/webhooks/<int:endpoint_id>/secret")
def webhook_rotate(endpoint_id: int):
    found = _endpoint_or_404(endpoint_id)
    form = SecretForm()
    if not form.validate():
        return _detail_page(found, secret_form=form, status=422)
    try:
        webhooks.rotate_secret(db.session, found.id, form.secret.data or None)
    except WebhookError as exc:
        db.session.rollback()
        _form_error(form, exc)
        return _detail_page(found, secret_form=form, status=422)
    log("change", f"webhook:{found.id}", "secret rotated")
    return _detail_page(found, shown_secret=found.secret)


@bp.post("/webhooks/<int:endpoint_id>/delete")
def webhook_delete(endpoint_id: int):
    found = _endpoint_or_404(endpoint_id)
    form_checked()
    url = found.url
    webhooks.remove_endpoint(db.session, found.id)
    log("change", f"webhook:{endpoint_id}", f"removed {url}")
    return see_other(".webhook_list", _("The endpoint and its delivery log were removed."))


@bp.post("/webhooks/<int:endpoint_id>/test")
def webhook_test(endpoint_id: int):
    found = _endpoint_or_404(endpoint_id)
    form_checked()
    try:
        webhooks.send_test(db.session, found.id)
    except WebhookError:
        return refused(_("The endpoint is disabled: enable it first."), ".webhook_detail", endpoint_id=found.id)
    return _back(
        found, "test message sent", _("A test message (webhook.test) is on its way: its delivery shows below.")
    )


@bp.post("/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/replay")
def webhook_replay(endpoint_id: int, delivery_id: int):
    found = _endpoint_or_404(endpoint_id)
    form_checked()
    if delivery_id >= 2**31:
        abort(404)
    if not found.enabled:
        return _back(found, None, _("The endpoint is disabled: enable it first."), "error")
    try:
        webhooks.replay(db.session, delivery_id, endpoint_id=found.id)
    except WebhookError:
        db.session.rollback()
        abort(404)
    return _back(
        found,
        f"delivery {delivery_id} replayed",
        _("Delivery %(id)d is sent again, with the same webhook-id.", id=delivery_id),
    )
