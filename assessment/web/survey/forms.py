"""Forms built from the question bank (one class per page and locale) and the lead gate."""

from __future__ import annotations

from functools import lru_cache

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from assessment.bank.questionnaire import default_questionnaire
from assessment.bank.roles import COMPANY_SIZE, RESPONDENT_ROLE
from assessment.services.assessments import Page, pages
from assessment.services.funnel import printable

TOO_LONG = _l("Please use at most %(max)d characters.")
NOT_AN_OPTION = _l("This answer is not one of the options. Please choose again.")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def printable_only(form, field) -> None:
    """Control characters (a NUL, a tab) are never part of a name; the database refuses some of them."""
    if field.data and printable(field.data) != field.data:
        raise ValidationError(_l("Please remove the special characters from this field."))


NONE_WITH_OTHERS = _l("“None of these” cannot be ticked together with other options. Please choose again.")


class OptionField(RadioField):
    """One option of a choice or profile question."""

    def pre_validate(self, form):
        if self.data is not None and self.data not in {c.value for c in self.choices}:
            raise ValidationError(NOT_AN_OPTION)


class OptionSelectField(SelectField):
    """A drop-down of profile options (lead gate) with the same message as the question pages."""

    def pre_validate(self, form):
        if self.data not in {c.value for c in self.choices}:
            raise ValidationError(NOT_AN_OPTION)


class ChecklistField(SelectMultipleField):
    """Tick all that apply; nothing ticked on a submitted page is the answer [] (not 'unanswered')."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args, exclusive: frozenset[str] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.exclusive = exclusive  # "none of these": ticked alone or not at all

    def pre_validate(self, form):
        offered = {c.value for c in self.choices}
        if any(v not in offered for v in self.data or ()):
            raise ValidationError(NOT_AN_OPTION)
        if len(set(self.data or ())) != len(self.data or ()):
            raise ValidationError(NOT_AN_OPTION)
        if len(self.data or ()) > 1 and self.exclusive.intersection(self.data or ()):
            raise ValidationError(NONE_WITH_OTHERS)


class PageForm(FlaskForm):
    # Present on every real page post: proves the page was submitted, so an empty checklist means [].
    page_marker = HiddenField()

    def question_fields(self):
        return [self[q.id] for q in self.page.questions]

    def first_errors(self) -> dict:
        """question id -> the first message for each question that failed."""
        return {q.id: self[q.id].errors[0] for q in self.page.questions if self[q.id].errors}

    def answers(self) -> dict:
        """question id -> raw answer for the pipeline; unanswered choices are left out."""
        out = {}
        for q in self.page.questions:
            data = self[q.id].data
            if q.type == "checklist":
                out[q.id] = list(data or [])
            elif data:
                out[q.id] = data
        return out


@lru_cache(maxsize=64)
def page_form_class(number: int, locale: str, strict: bool = True) -> type[PageForm]:
    """A fresh form class for one page: a field per question, labels in `locale`.

    strict=False (the Back button) accepts unanswered questions but still rejects tampered values.
    """
    page: Page = pages()[number - 1]
    attrs = {"page": page}
    # Back keeps what is answered and accepts the rest unanswered; no Optional() there, which would
    # also clear pre_validate's "not an option" and let a tampered value (whitespace) into the draft.
    required = [InputRequired(message=_l("Please answer this question."))] if strict else []
    for q in page.questions:
        choices = [SelectChoice(o.value, o.label[locale]) for o in q.options]
        if q.type == "checklist":
            exclusive = frozenset(o.value for o in q.options if o.exclusive)
            attrs[q.id] = ChecklistField(q.text[locale], choices=choices, exclusive=exclusive)
        else:
            attrs[q.id] = OptionField(q.text[locale], choices=choices, validators=required)
    return type(f"PageForm_{page.section}_{locale}", (PageForm,), attrs)


def problems(form) -> list[tuple[str, str, str]]:
    """(field id, label, first message) of each field that failed: what the error summary lists."""
    return [(f.id, f.label.text, f.errors[0]) for f in form if f.errors]


def _profile_choices(qid: str, locale: str) -> list[SelectChoice]:
    q = default_questionnaire().by_id[qid]
    return [SelectChoice("", _l("Please choose"))] + [SelectChoice(o.value, o.label[locale]) for o in q.options]


class LeadForm(FlaskForm):
    name = StringField(
        _l("Your name"),
        filters=[_strip],
        validators=[DataRequired(_l("Please enter your name.")), Length(max=100, message=TOO_LONG), printable_only],
    )
    company = StringField(
        _l("Company"),
        filters=[_strip],
        validators=[DataRequired(_l("Please enter your company.")), Length(max=200, message=TOO_LONG), printable_only],
    )
    email = StringField(
        _l("Work email"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Please enter your email address.")),
            Length(max=254, message=TOO_LONG),
            # email-validator's syntax rules (RFC 5322 and IDNA; "a@b.." and control characters fail),
            # without a DNS look-up.
            Email(
                message=_l("Please enter a valid email address, like name@example.co.jp."), check_deliverability=False
            ),
        ],
    )
    role = OptionSelectField(_l("Role"), validators=[DataRequired(_l("Please choose your role."))])
    company_size = OptionSelectField(
        _l("Company size (employees)"), validators=[DataRequired(_l("Please choose the company size."))]
    )
    # Required to get the report: the respondent has read how the data is used. Apart from it, and
    # optional, the consent to marketing e-mail: the report never depends on it.
    acknowledge = BooleanField(
        _l("How my data is used"),
        validators=[DataRequired(_l("Please confirm that you have read how your data is used."))],
    )
    consent = BooleanField(_l("E-mail about services (optional)"))
    # The honeypot: hidden from people by CSS and from screen readers; bots fill every field.
    website = StringField(_l("Leave this field empty"), validators=[Optional(), Length(max=200, message=TOO_LONG)])

    def __init__(self, *args, locale: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = _profile_choices(RESPONDENT_ROLE.question, locale)
        self.company_size.choices = _profile_choices(COMPANY_SIZE.question, locale)

    @property
    def is_bot(self) -> bool:
        return bool((self.website.data or "").strip())
