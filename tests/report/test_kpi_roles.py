"""The KPI tree reads the bank only through the goals and metrics assessment.bank.roles declares."""

from __future__ import annotations

from assessment.bank.roles import BUSINESS_MODEL, MEASURED_METRICS, PRIMARY_GOAL, ROLES, BusinessModel, Goal, Metric
from assessment.report import kpi


def _metrics(node: kpi.Node):
    yield node.metric
    for child in node.children:
        yield from _metrics(child)


def test_there_is_a_tree_for_every_declared_goal():
    assert set(kpi.TREES) == set(Goal)
    assert kpi.FALLBACK_GOAL in kpi.TREES


def test_tree_boxes_read_only_declared_metrics():
    used = {m for tree in kpi.TREES.values() for m in _metrics(tree)} - {None}
    assert used <= set(Metric)
    assert all(isinstance(m, Metric) for m in used)


def test_the_shipped_bank_fills_every_role_as_its_readers_expect(questionnaire):
    for role in ROLES:
        q = questionnaire.by_id[role.question]
        assert (q.type, q.section) == (role.type, role.section), role
        assert {o.value for o in q.options} >= set(role.values), role
    assert set(PRIMARY_GOAL.values) == set(Goal) and set(MEASURED_METRICS.values) == set(Metric)


def test_consumer_trees_read_only_declared_metrics_and_skip_the_b2b_steps():
    assert set(kpi.B2C_TREES) <= set(Goal)
    used = {m for tree in kpi.B2C_TREES.values() for m in _metrics(tree)} - {None}
    assert used <= set(Metric)
    assert not used & {Metric.LEADS, Metric.DEALS, Metric.INQUIRIES}  # no leads, opportunities or inquiries
    for goal in Goal:  # a goal without a consumer tree of its own shares the B2B one
        assert kpi.tree_for(goal, BusinessModel.B2C) is kpi.B2C_TREES.get(goal, kpi.TREES[goal])
        assert kpi.tree_for(goal, None) is kpi.tree_for(goal, BusinessModel.OTHER) is kpi.TREES[goal]


def test_the_business_model_question_offers_what_the_tree_reads(questionnaire):
    q = questionnaire.by_id[BUSINESS_MODEL.question]
    assert q.section == "profile" and [o.value for o in q.options] == list(BusinessModel)
