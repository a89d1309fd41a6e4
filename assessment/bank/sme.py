"""Small and mid-sized companies as 中小企業基本法 draws them: by industry and number of employees.

The law's employee ceilings are 300 (manufacturing and the rest), 100 (wholesale, services) and
50 (retail); it also counts capital, which the questionnaire does not ask. A company is small
when its size band lies wholly under its industry's ceiling. Without an industry, only a size
under the lowest ceiling (retail's) is small in every industry.
"""

from __future__ import annotations

from collections.abc import Mapping

from assessment.bank.questionnaire import Questionnaire
from assessment.bank.roles import COMPANY_SIZE, INDUSTRY


def is_small_company(qn: Questionnaire, profile: Mapping[str, str]) -> bool:
    size_q, industry_q = qn.by_id.get(COMPANY_SIZE.question), qn.by_id.get(INDUSTRY.question)
    size = size_q.option(profile.get(COMPANY_SIZE.question, "")) if size_q else None
    if size is None or size.employees_max is None:
        return False
    industry = industry_q.option(profile.get(INDUSTRY.question, "")) if industry_q else None
    if industry is not None and industry.sme_employees is not None:
        ceiling = industry.sme_employees
    else:
        ceilings = [o.sme_employees for o in industry_q.options if o.sme_employees] if industry_q else []
        ceiling = min(ceilings, default=0)
    return size.employees_max <= ceiling
