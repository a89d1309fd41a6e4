"""The workspace's forms. Interview pages reuse the public page forms and add a note and marks per question."""

from __future__ import annotations

from functools import lru_cache

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from assessment.bank.questionnaire import default_questionnaire
from assessment.bank.roles import COMPANY_SIZE
from assessment.services import branding
from assessment.services.clients import NOTE_MAX
from assessment.services.companies import valid_corporate_number
from assessment.web.survey.forms import TOO_LONG, OptionSelectField, PageForm, page_form_class, printable_only

DOMAIN = r"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$"


def _domain(value: str | None) -> str | None:
    """ "@Example.CO.JP " is example.co.jp: people paste the part after their own @."""
    return value.strip().lower().lstrip("@") if value else value


def size_choices(locale: str) -> list[SelectChoice]:
    q = default_questionnaire().by_id[COMPANY_SIZE.question]
    return [SelectChoice("", _l("Not known"))] + [SelectChoice(o.value, o.label[locale]) for o in q.options]


class ClientForm(FlaskForm):
    name = StringField(
        _l("Company name"),
        validators=[DataRequired(_l("Please enter the company name.")), Length(max=200, message=TOO_LONG)],
    )
    industry = StringField(_l("Industry"), validators=[Optional(), Length(max=40, message=TOO_LONG)])
    size = OptionSelectField(_l("Company size (employees)"), validators=[Optional()])
    email_domain = StringField(
        _l("Corporate e-mail domain"),
        filters=[_domain],
        validators=[
            Optional(),
            Length(max=253, message=TOO_LONG),
            Regexp(DOMAIN, message=_l("Please enter a domain such as example.co.jp.")),
        ],
    )
    corporate_number = StringField(
        _l("Corporate number (法人番号, optional)"),
        validators=[Optional(), Length(min=13, max=13, message=_l("A corporate number has 13 digits."))],
    )

    def __init__(self, *args, locale: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.size.choices = size_choices(locale)

    def validate_corporate_number(self, field):
        if field.data and not valid_corporate_number(field.data.strip()):
            raise ValidationError(_l("This is not a valid corporate number (check digit)."))


class NoteForm(FlaskForm):
    body = TextAreaField(
        _l("Note"),
        validators=[DataRequired(_l("Please write the note.")), Length(max=NOTE_MAX, message=TOO_LONG)],
    )


class AccountChoiceForm(FlaskForm):
    account = SelectField(_l("Consultant"), coerce=int, validate_choice=False)


class MergeForm(FlaskForm):
    duplicate = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,12}$")])


class InviteForm(FlaskForm):
    email = StringField(
        _l("E-mail"),
        validators=[
            DataRequired(_l("Please enter your email address.")),
            Length(max=254, message=TOO_LONG),
            Email(
                message=_l("Please enter a valid email address, like name@example.co.jp."), check_deliverability=False
            ),
        ],
    )
    role = SelectField(
        _l("Role"), choices=[SelectChoice("consultant", _l("Consultant")), SelectChoice("admin", _l("Administrator"))]
    )


class AcceptForm(FlaskForm):
    name = StringField(
        _l("Your name"), validators=[DataRequired(_l("Please enter your name.")), Length(max=100, message=TOO_LONG)]
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Please choose a password.")),
            Length(min=12, max=200, message=_l("Please use at least 12 characters.")),
        ],
    )
    confirm = PasswordField(
        _l("Password again"), validators=[EqualTo("password", message=_l("The two passwords differ."))]
    )


NOTE, VERIFY, IN_REPORT = "note__", "verify__", "report__"


class InterviewPageForm(PageForm):
    def extras(self, qid: str):
        return self[NOTE + qid], self[VERIFY + qid], self[IN_REPORT + qid]


@lru_cache(maxsize=64)
def interview_form_class(number: int, locale: str) -> type[InterviewPageForm]:
    """The public page form of page `number` (unanswered allowed: the client may not know yet), plus per
    question a note, a 要確認 / to-verify mark and "show the note in the report"."""
    base = page_form_class(number, locale, strict=False)
    attrs: dict = {}
    for q in base.page.questions:
        attrs[NOTE + q.id] = TextAreaField(_l("Note"), validators=[Optional(), Length(max=NOTE_MAX, message=TOO_LONG)])
        attrs[VERIFY + q.id] = BooleanField(_l("要確認 / to verify"))
        attrs[IN_REPORT + q.id] = BooleanField(_l("Show this note in the report"))
    return type(f"Interview_{base.__name__}", (InterviewPageForm, base), attrs)


class CommentsForm(FlaskForm):
    """Fields are added per scope by the view (overall, each area, each pitfall found)."""


def event_names() -> dict[str, str]:
    """The webhook events as an admin reads them (the id stays visible: the CRM filters on it)."""
    return {
        "lead.created": _l("A lead filled the form (lead.created)"),
        "assessment.submitted": _l("An assessment was submitted (assessment.submitted)"),
        "round.closed": _l("A round was closed (round.closed)"),
    }


class WebhookForm(FlaskForm):
    url = StringField(
        _l("Receiver URL"),
        validators=[DataRequired(_l("Please enter the receiver's URL.")), Length(max=2000, message=TOO_LONG)],
    )
    events = SelectMultipleField(
        _l("Events"),
        choices=[SelectChoice(k, v) for k, v in event_names().items()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired(_l("Please choose at least one event."))],
    )
    description = StringField(_l("Description (optional)"), validators=[Optional(), Length(max=200, message=TOO_LONG)])
    secret = StringField(
        _l("Secret (optional)"),
        validators=[
            Optional(),
            Length(max=100, message=TOO_LONG),
            Regexp(r"^whsec_[A-Za-z0-9+/=]+$", message=_l("A secret is whsec_ followed by 24 to 64 bytes in base64.")),
        ],
    )


class SecretForm(FlaskForm):
    secret = WebhookForm.secret


def _passes(test, message):
    """A validator from one of services.branding's checks: the form and the service accept the same values."""

    def check(form, field) -> None:
        if field.data and not test(field.data.strip()):
            raise ValidationError(message)

    return check


_https_url = _passes(
    branding.valid_https_url, _l("Please enter a full https:// address, such as https://www.example.co.jp/contact.")
)


class SettingsForm(FlaskForm):
    """The report's branding and the site's contact (services/branding.py). Empty: the environment's value."""

    name = StringField(
        _l("Consultancy name"), validators=[Optional(), Length(max=100, message=TOO_LONG), printable_only]
    )
    color = StringField(
        _l("Brand colour"),
        validators=[
            Optional(),
            _passes(branding.valid_color, _l("Please enter a colour as # and six hex digits, like #1f4e79.")),
        ],
    )
    logo = FileField(_l("Logo (PNG or JPEG, at most 200 KB)"))
    remove_logo = BooleanField(_l("Remove the uploaded logo"))
    contact_url = StringField(
        _l("Contact page"), validators=[Optional(), Length(max=500, message=TOO_LONG), printable_only, _https_url]
    )
    booking_url = StringField(
        _l("Booking page (call to action)"),
        validators=[Optional(), Length(max=500, message=TOO_LONG), printable_only, _https_url],
    )
    phone = StringField(
        _l("Phone"),
        validators=[
            Optional(),
            Length(max=40, message=TOO_LONG),
            _passes(branding.valid_phone, _l("Please use digits, spaces and + - ( ) only.")),
        ],
    )
    email = StringField(
        _l("Contact e-mail"),
        validators=[
            Optional(),
            Length(max=254, message=TOO_LONG),
            Email(
                message=_l("Please enter a valid email address, like name@example.co.jp."), check_deliverability=False
            ),
        ],
    )
    privacy_url = StringField(
        _l("Privacy policy page"),
        validators=[Optional(), Length(max=500, message=TOO_LONG), printable_only, _https_url],
    )

    def validate_logo(self, field):
        """The upload's bytes and type, read once: kept on the form for the view (field.content_type)."""
        upload = field.data
        self.logo_bytes: bytes | None = None
        if not isinstance(upload, FileStorage) or not upload.filename:
            return
        data = upload.read(branding.LOGO_MAX_BYTES + 1)
        if len(data) > branding.LOGO_MAX_BYTES:
            raise ValidationError(_l("The logo is larger than 200 KB. Please choose a smaller file."))
        if branding.logo_type(data) is None:
            raise ValidationError(
                _l("The logo must be a PNG or JPEG image of at most 2000 × 2000 pixels; this file is not one.")
            )
        self.logo_bytes = data
