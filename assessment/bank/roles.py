"""The questions code outside the bank reads by meaning, and what it relies on in them.

The report draws a KPI tree from the primary goal, the business model and the
measured-metrics checklist; the lead form asks the respondent's role and the company size;
the small-company advice follows 中小企業基本法: the company's size band against its industry's
SME employee ceiling (assessment/bank/sme.py).
Those readers import the ids from here, and load_questionnaire checks that
the bank fills every role, so renaming a question or an option in YAML
fails on load instead of silently dropping a report section.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Goal(StrEnum):
    """Options of the primary-goal question; the report has a KPI tree for each."""

    REVENUE = "revenue"
    NEW_CUSTOMERS = "new_customers"
    REPEAT = "repeat"
    LTV = "ltv"
    BRAND = "brand"


class BusinessModel(StrEnum):
    """Options of the business-model question; the report's KPI tree follows the customer's path."""

    B2B = "b2b"
    B2C = "b2c"
    BOTH = "both"
    OTHER = "other"


class Metric(StrEnum):
    """Options of the measured-metrics checklist that the KPI tree's boxes read."""

    VISITS = "visits"
    LEADS = "leads"
    INQUIRIES = "inquiries"
    DEALS = "deals"
    CONVERSION_RATE = "conversion_rate"
    UNIT_PRICE = "unit_price"
    NEW_CUSTOMERS = "new_customers"
    REPEAT_RATE = "repeat_rate"
    LTV = "ltv"


@dataclass(frozen=True)
class QuestionRole:
    question: str  # the question id
    section: str  # the file it belongs in: an area id or "profile"
    type: str  # the question type its readers expect
    reader: str  # who reads it, for the error message
    values: tuple[str, ...] = ()  # option values the reader relies on
    option_keys: tuple[str, ...] = ()  # option fields the reader needs on every option


PRIMARY_GOAL = QuestionRole("pf_primary_goal", "profile", "profile", "the report's KPI tree", tuple(Goal))
MEASURED_METRICS = QuestionRole(
    "kd_measured_metrics", "kpi_design", "checklist", "the report's KPI tree", tuple(Metric)
)
BUSINESS_MODEL = QuestionRole("pf_business_model", "profile", "profile", "the report's KPI tree", tuple(BusinessModel))
RESPONDENT_ROLE = QuestionRole("pf_role", "profile", "profile", "the lead form")
COMPANY_SIZE = QuestionRole(
    "pf_company_size",
    "profile",
    "profile",
    "the lead form and the small-company advice",
    option_keys=("employees_max",),  # the last option may be open-ended
)
INDUSTRY = QuestionRole("pf_industry", "profile", "profile", "the small-company advice", option_keys=("sme_employees",))
ROLES = (PRIMARY_GOAL, BUSINESS_MODEL, MEASURED_METRICS, RESPONDENT_ROLE, COMPANY_SIZE, INDUSTRY)
