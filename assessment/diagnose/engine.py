"""The durable-rules adapter. Nothing else in the project imports durable.

A RuleBook compiles into one durable-rules ruleset; each alternative
(branch) of a rule's `when` becomes one durable rule named "<rule>#<n>", so
the rules that fired also tell which conditions matched: that is the
evidence. One evaluation = one fact holding every answer, asserted under a
fresh sid whose state is deleted afterwards.

Measured hazards this module exists to contain (see issue #2):
- durable's Host starts timer threads that crash when threads interleave:
  _QuietHost does not start them; nothing here needs timers.
- a ruleset keeps at most 1,024 live sids and leaks state not deleted:
  delete_state in a finally.
- Python actions run inside the engine and their exceptions come back in
  the state, not raised: fire() runs no Python action at all; it reads the
  names of the rules that matched from the engine's action queue.
- `$or` fires a rule once per matching side: results are a set.
- a fact that matches nothing is "not handled", and deleting that sid's
  state then crashes the process (free(): invalid pointer): a sentinel rule
  matches every fact.
- an operator durable does not know never matches, silently: only the
  operators in _CMP are ever emitted, and rules are validated before this.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Mapping

import durable_rules_engine as _dre
from durable import engine as _durable

from assessment.bank.questionnaire import Questionnaire
from assessment.bank.rules import Comparison, Condition, RuleBook
from assessment.diagnose.answers import Answers
from assessment.diagnose.scoring import Scores

_SENTINEL = "_always"
_CMP = {"lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte", "ne": "$neq"}


class EngineError(RuntimeError):
    """A rule action failed inside durable-rules."""


class _QuietHost(_durable.Host):
    def _run(self):  # no background dispatch/timer threads
        pass


_HOST = _QuietHost()
_ruleset_names = itertools.count(1)
_sids = itertools.count(1)
_OK, _NOT_HANDLED = 0, 1  # result codes of durable_rules_engine.assert_fact


def _compile_condition(c: Condition) -> dict:
    if c.kind == "area":
        field = f"a_{c.target}"
    elif c.op == "score":
        field = f"s_{c.target}"
    elif c.op == "count":
        field = f"n_{c.target}"
    else:
        field = f"q_{c.target}"
    if isinstance(c.arg, Comparison):  # score and count conditions, and only they
        op, num = c.arg
        if op == "eq":
            return {field: num}
        if op == "ne":
            return {"$and": [{"$ex": {field: 1}}, {"$neq": {field: num}}]}
        return {_CMP[op]: {field: num}}
    if c.op == "is":
        return {field: c.arg}
    if c.op == "in":
        alts: list[dict[str, object]] = [{field: v} for v in c.arg]
        return alts[0] if len(alts) == 1 else {"$or": alts}
    if c.op == "not_in":
        return {"$and": [{"$ex": {field: 1}}, *({"$neq": {field: v}} for v in c.arg)]}
    if c.op == "includes":
        return {f"x_{c.target}__{c.arg}": True}
    if c.op == "excludes":
        return {f"x_{c.target}__{c.arg}": False}
    if c.op == "includes_any":
        alts = [{f"x_{c.target}__{v}": True} for v in c.arg]
        return alts[0] if len(alts) == 1 else {"$or": alts}
    raise ValueError(f"cannot compile operator {c.op!r}")  # rules.py rejects these on load


def _never_called(c):  # durable wants a callable per rule; fire() never runs actions
    raise AssertionError("durable action dispatch should not run")


class CompiledRules:
    """One RuleBook compiled into one durable-rules ruleset."""

    def __init__(self, book: RuleBook):
        self.book = book
        self.name = f"cmo_{next(_ruleset_names)}"
        definition = {}
        for rule in book.rules:
            for i, branch in enumerate(rule.branches):
                definition[f"{rule.id}#{i}"] = {
                    "all": [{"m": {"$and": [_compile_condition(c) for c in branch]}}],
                    "run": _never_called,
                }
        # Every fact matches this rule, so no assert is unhandled: deleting the
        # state of an unhandled fact crashes durable-rules 2.0.28 ("free():
        # invalid pointer", reproduced with the mature profile). It matches a
        # marker field: a condition on `sid` itself loops forever.
        definition[_SENTINEL] = {"all": [{"m": {"kind": "answers"}}], "run": _never_called}
        self.definition = {k: {"all": v["all"]} for k, v in definition.items()}
        # The fields the rules read, as (source, fact field name); the fact carries only these.
        conds = [c for rule in book.rules for branch in rule.branches for c in branch]
        self._choices = [
            (q, f"q_{q}")
            for q in sorted({c.target for c in conds if c.kind == "question" and c.op in ("is", "in", "not_in")})
        ]
        self._item_scores = [
            (q, f"s_{q}") for q in sorted({c.target for c in conds if c.kind == "question" and c.op == "score"})
        ]
        self._counts = [(q, f"n_{q}") for q in sorted({c.target for c in conds if c.op == "count"})]
        self._ticks = [
            (q, v, f"x_{q}__{v}")
            for q, v in sorted(
                {
                    (c.target, v)
                    for c in conds
                    if c.op in ("includes", "excludes", "includes_any")
                    for v in ([c.arg] if isinstance(c.arg, str) else c.arg)
                }
            )
        ]
        self._areas = [(a, f"a_{a}") for a in sorted({c.target for c in conds if c.kind == "area"})]
        _HOST.register_rulesets({self.name: definition})
        self._handle = _HOST.get_ruleset(self.name)._handle

    def fact(self, questionnaire: Questionnaire, answers: Answers, scores: Scores) -> dict:
        """Flatten answers and scores into the one fact the rules match on.

        q_<question>: chosen value; s_<question>: item score 0..3;
        x_<question>__<value>: ticked or not (checklists); n_<question>:
        counting options ticked; a_<area>: area score. Only fields some rule
        reads are included; an unanswered question adds no field, so no
        condition on it can match.
        """
        values = answers.values
        fact: dict[str, object] = {"kind": "answers"}
        for qid, name in self._choices:
            if isinstance(v := values.get(qid), str):
                fact[name] = v
        for qid, name in self._item_scores:
            if (s := scores.items.get(qid)) is not None:
                fact[name] = s
        for qid, name in self._counts:
            if (ticked := values.get(qid)) is not None:
                fact[name] = len(questionnaire.by_id[qid].counting.intersection(ticked))
        for qid, value, name in self._ticks:
            if (ticked := values.get(qid)) is not None:
                fact[name] = value in ticked
        for aid, name in self._areas:
            if (s := scores.areas.get(aid)) is not None:
                fact[name] = s
        return fact

    def fire(self, fact: Mapping) -> set[tuple[str, int]]:
        """Assert one fact; return (rule id, branch index) for every branch that fired.

        It drives durable-rules' private C API (durable_rules_engine) the way
        durable.engine.Ruleset does for a synchronous assert, minus Python
        action callbacks, timers and leases. Why private: through the public
        Host.assert_fact, a Python action per rule, one fact took 2.35 ms
        against 0.08 ms here (bench/evaluate.py p50, same fact), and no action
        can fail inside the engine. Private calls and the message format may
        change in any release, so durable-rules is pinned (pyproject.toml) and
        tests/core/test_engine.py fails when 2.0.28's behaviour is not there.
        """
        sid = f"e{next(_sids)}"
        names: set[str] = set()
        code, state = _dre.assert_fact(self._handle, json.dumps({**fact, "sid": sid}, ensure_ascii=False))
        try:
            if code == _NOT_HANDLED:
                return set()  # cannot happen with the sentinel; a normal empty result
            if code != _OK:
                raise EngineError(f"durable-rules refused the fact (code {code})")
            started = _dre.start_action_for_state(self._handle, state)
            message = started[1] if started else None
            while message:
                names.add(rule_name(message))
                message = _dre.complete_and_start_action(self._handle, state)
        finally:
            _dre.delete_state(self._handle, sid)
        names.discard(_SENTINEL)
        return {branch_of(n) for n in names}


def rule_name(message: str) -> str:
    """The durable rule an action message is for: message is '{"<rule>#<n>": {...}}'.

    Read by position, not json.loads: the name is all fire() needs, and the
    message holds the whole state.
    """
    return message[2 : message.index('"', 2)]


def branch_of(name: str) -> tuple[str, int]:
    """'<rule>#<n>', the name a rule branch is compiled under, back to (rule id, n)."""
    rule, n = name.rsplit("#", 1)
    return rule, int(n)


def host_api_fire(name: str, fact: Mapping) -> None:
    """The same assert through durable's public Host API, for bench/evaluate.py."""
    sid = f"b{next(_sids)}"
    try:
        _HOST.assert_fact(name, {**fact, "sid": sid})
    except _durable.MessageNotHandledException:
        pass
    finally:
        _HOST.delete_state(name, sid)


_lock = threading.Lock()
_compiled: dict[int, CompiledRules] = {}


def compiled(book: RuleBook) -> CompiledRules:
    """Compile each RuleBook once per process (durable cannot unregister a ruleset)."""
    found = _compiled.get(id(book))  # a dict read needs no lock; compiling does
    if found is not None and found.book is book:
        return found
    with _lock:
        found = _compiled.get(id(book))
        if found is None or found.book is not book:
            found = _compiled[id(book)] = CompiledRules(book)
        return found
