"""The KPI tree reads the bank only through the goals and metrics assessment.bank.roles declares."""

from __future__ import annotations

from assessment.bank.roles import MEASURED_METRICS, PRIMARY_GOAL, ROLES, Goal, Metric
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
