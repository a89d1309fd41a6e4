"""A starter KPI tree for the company's primary business goal, as SVG.

The tree follows the customer's path of the business model: a B2B company wins customers
through leads, opportunities and a win rate; a consumer business through visits, a first
purchase and repeat purchases. Where a goal's path is the same for both (repeat, LTV) there
is one tree. Each box is a metric; boxes tied to an option of the measured-metrics
checklist show whether the company said it measures them. The goals and
metrics are named by assessment.bank.roles, which the bank is checked
against on load. Labels are gettext msgids (marked with N_ for extraction)
translated at render time.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from assessment.bank.roles import BusinessModel, Goal, Metric
from assessment.report.charts import FONT, INK, MUTED, wrap


def N_(msgid: str) -> str:  # mark for extraction; translated later
    return msgid


@dataclass(frozen=True)
class Node:
    label: str
    metric: Metric | None = None  # None for a derived figure
    op: str = "×"  # how the children combine into this node
    children: tuple[Node, ...] = ()


def _from_visits(label: str, metric: Metric, rate: str) -> Node:
    """The first step of either path: visits times the rate that turns them into leads or first purchases."""
    return Node(label, metric, "×", (Node(N_("Visits"), Metric.VISITS), Node(rate, Metric.CONVERSION_RATE)))


def _leads() -> Node:
    return _from_visits(N_("Leads"), Metric.LEADS, N_("Conversion rate"))


TREES: dict[str, Node] = {  # keyed by Goal, looked up by the answer's option value
    Goal.REVENUE: Node(
        N_("Revenue"),
        None,
        "+",
        (
            Node(
                N_("New-customer revenue"),
                None,
                "×",
                (_leads(), Node(N_("Deal rate"), Metric.CONVERSION_RATE), Node(N_("Unit price"), Metric.UNIT_PRICE)),
            ),
            Node(
                N_("Existing-customer revenue"),
                None,
                "×",
                (Node(N_("Repeat rate"), Metric.REPEAT_RATE), Node(N_("Unit price"), Metric.UNIT_PRICE)),
            ),
        ),
    ),
    Goal.NEW_CUSTOMERS: Node(
        N_("New customers"),
        Metric.NEW_CUSTOMERS,
        "×",
        (
            Node(N_("Sales opportunities"), Metric.DEALS, "+", (_leads(), Node(N_("Inquiries"), Metric.INQUIRIES))),
            Node(N_("Win rate"), Metric.CONVERSION_RATE),
        ),
    ),
    Goal.REPEAT: Node(
        N_("Repeat revenue"),
        None,
        "×",
        (
            Node(N_("Customer base"), Metric.NEW_CUSTOMERS),
            Node(N_("Repeat rate"), Metric.REPEAT_RATE),
            Node(N_("Unit price"), Metric.UNIT_PRICE),
        ),
    ),
    Goal.LTV: Node(
        N_("Customer lifetime value (LTV)"),
        Metric.LTV,
        "×",
        (
            Node(N_("Unit price"), Metric.UNIT_PRICE),
            Node(N_("Purchases per year"), Metric.REPEAT_RATE),
            Node(N_("Years as a customer"), Metric.REPEAT_RATE),
        ),
    ),
    Goal.BRAND: Node(
        N_("Brand strength"),
        None,
        "+",
        (
            Node(N_("Reach"), None, "+", (Node(N_("Visits"), Metric.VISITS),)),
            Node(N_("Interest"), None, "+", (Node(N_("Inquiries"), Metric.INQUIRIES), Node(N_("Leads"), Metric.LEADS))),
            Node(
                N_("Preference"),
                None,
                "+",
                (Node(N_("New customers"), Metric.NEW_CUSTOMERS), Node(N_("Repeat rate"), Metric.REPEAT_RATE)),
            ),
        ),
    ),
}
FALLBACK_GOAL = Goal.REVENUE


def _first_purchases() -> Node:
    return _from_visits(N_("First purchases"), Metric.NEW_CUSTOMERS, N_("Purchase rate"))


def _repeat_revenue() -> Node:
    return Node(
        N_("Repeat-purchase revenue"),
        None,
        "×",
        (Node(N_("Repeat purchase rate"), Metric.REPEAT_RATE), Node(N_("Unit price"), Metric.UNIT_PRICE)),
    )


# A consumer business's path where it differs from TREES: visits, first purchase, repeat purchase and LTV;
# no leads, opportunities or win rate. The goals missing here share TREES' tree.
B2C_TREES: dict[str, Node] = {
    Goal.REVENUE: Node(
        N_("Revenue"),
        None,
        "+",
        (
            Node(
                N_("First-purchase revenue"),
                None,
                "×",
                (_first_purchases(), Node(N_("Unit price"), Metric.UNIT_PRICE)),
            ),
            _repeat_revenue(),
        ),
    ),
    Goal.NEW_CUSTOMERS: _from_visits(N_("New customers"), Metric.NEW_CUSTOMERS, N_("First-purchase rate")),
    Goal.BRAND: Node(
        N_("Brand strength"),
        None,
        "+",
        (
            Node(N_("Reach"), None, "+", (Node(N_("Visits"), Metric.VISITS),)),
            Node(N_("Trial"), None, "+", (_first_purchases(),)),
            Node(
                N_("Loyalty"),
                None,
                "+",
                (Node(N_("Repeat purchase rate"), Metric.REPEAT_RATE), Node(N_("LTV"), Metric.LTV)),
            ),
        ),
    ),
}
# The caption over each tree when a company that sells to both is shown two.
MODEL_CAPTIONS = {BusinessModel.B2B: N_("Business customers (B2B)"), BusinessModel.B2C: N_("Consumers (B2C)")}


def _goal_key(goal: str | None) -> str:
    return goal if goal in TREES else FALLBACK_GOAL


def models_shown(goal: str | None, model: str | None) -> tuple[BusinessModel, ...]:
    """The paths to draw: B2C for a consumer business; both for one selling to both, where the goal's
    two trees differ (one merged tree would hide which funnel leaks); otherwise the B2B path, as
    before the question was asked (unanswered, "other")."""
    if model == BusinessModel.B2C:
        return (BusinessModel.B2C,)
    if model == BusinessModel.BOTH and _goal_key(goal) in B2C_TREES:
        return (BusinessModel.B2B, BusinessModel.B2C)
    return (BusinessModel.B2B,)


def tree_for(goal: str | None, model: str | None = None) -> Node:
    key = _goal_key(goal)
    if model == BusinessModel.B2C:
        return B2C_TREES.get(key, TREES[key])
    return TREES[key]


BOX_W, BOX_H, COL_GAP, ROW_GAP = 150, 44, 44, 12


def _layout(node: Node, depth: int, rows: list, out: list) -> float:
    """Place leaves on consecutive rows; a parent sits at its children's middle. Returns y."""
    y: float
    if not node.children:
        y = len(rows) * (BOX_H + ROW_GAP)
        rows.append(node)
    else:
        ys = [_layout(c, depth + 1, rows, out) for c in node.children]
        y = (ys[0] + ys[-1]) / 2
    out.append((node, depth, y))
    return y


def tree_svg(
    goal: str | None, measured: set[str] | None, gettext, color: str, *, cjk: bool, model: str | None = None
) -> str:
    """The tree for goal along model's path (tree_for); measured=None means the question was not answered."""
    root = tree_for(goal, model)
    placed: list = []
    rows: list = []
    _layout(root, 0, rows, placed)
    depth = max(d for _, d, _ in placed) + 1
    w = depth * BOX_W + (depth - 1) * COL_GAP + 2
    h = len(rows) * (BOX_H + ROW_GAP) - ROW_GAP + 2
    pos = {id(n): (1 + d * (BOX_W + COL_GAP), 1 + y) for n, d, y in placed}
    body = []
    for node, _, _ in placed:  # connectors first, boxes drawn over them
        px, py = pos[id(node)]
        for i, child in enumerate(node.children):
            cx, cy = pos[id(child)]
            mid = px + BOX_W + COL_GAP / 2
            body.append(
                f'<path d="M{px + BOX_W:.1f},{py + BOX_H / 2:.1f} H{mid:.1f} V{cy + BOX_H / 2:.1f} H{cx:.1f}" '
                f'fill="none" stroke="#9aa7b4" stroke-width="1"/>'
            )
            if i:  # the operator between two siblings
                prev_y = pos[id(node.children[i - 1])][1]
                oy = (prev_y + cy) / 2 + BOX_H / 2
                body.append(f'<circle cx="{mid:.1f}" cy="{oy:.1f}" r="8" fill="#ffffff" stroke="#9aa7b4"/>')
                body.append(
                    f'<text x="{mid:.1f}" y="{oy + 4:.1f}" font-size="11" text-anchor="middle" '
                    f'font-weight="bold" fill="{INK}">{escape(node.op)}</text>'
                )
    for node, _d, _ in placed:
        x, y = pos[id(node)]
        if node is root:
            fill, stroke, dash, ink, note = color, color, "", "#ffffff", gettext("Business goal")
            if node.metric:  # the goal itself may be a metric the company tracks
                seen = measured is not None and node.metric in measured
                note += " · " + (gettext("Measured") if seen else gettext("Not measured"))
        elif node.metric is None:
            fill, stroke, dash, ink, note = "#f4f6f8", "#b8c2cc", "", INK, gettext("Derived figure")
        elif measured is not None and node.metric in measured:
            fill, stroke, dash, ink, note = "#e3f1e6", "#2e7d4f", "", INK, gettext("Measured")
        else:
            fill, stroke, dash, ink, note = (
                "#ffffff",
                "#c0392b",
                ' stroke-dasharray="4 3"',
                INK,
                gettext("Not measured"),
            )
        body.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{BOX_W}" height="{BOX_H}" rx="5" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="1.3"{dash}/>'
        )
        lines = wrap(gettext(node.label), 12 if cjk else 22)[:2]
        ty = y + (17 if len(lines) == 1 else 13)
        for i, line in enumerate(lines):
            body.append(
                f'<text x="{x + BOX_W / 2:.1f}" y="{ty + i * 12:.1f}" font-size="10.5" text-anchor="middle" '
                f'font-weight="bold" fill="{ink}">{escape(line)}</text>'
            )
        note_fill = (
            "#ffffff"
            if node is root
            else (MUTED if node.metric is None else "#2e7d4f" if fill == "#e3f1e6" else "#c0392b")
        )
        body.append(
            f'<text x="{x + BOX_W / 2:.1f}" y="{y + BOX_H - 7:.1f}" font-size="8.5" text-anchor="middle" '
            f'fill="{note_fill}">{escape(note)}</text>'
        )
    title = gettext("KPI tree")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:g} {h:g}" width="{w:g}" height="{h:g}" '
        f'font-family="{escape(FONT)}" role="img" aria-label="{escape(title)}">{"".join(body)}</svg>'
    )
