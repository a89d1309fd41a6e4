"""Randomly broken data files give a DataError naming file and line, never a Python exception.

Each case copies the shipped questions/ and rules/, applies one to three
random mutations to the parsed YAML of one file (drop a key, a value of the
wrong type, an unknown id, a list where a mapping belongs and the reverse,
an empty list, a duplicated entry, a renamed value), writes it back and
loads the lot, then compiles the rules into the engine when loading
succeeded. A failure names its seed and mutations; rerun one case with
pytest "tests/core/test_loader_fuzz.py::test_fuzzed_data_fails_only_with_a_located_data_error[seed_<n>]".
"""

from __future__ import annotations

import copy
import random
import re
import shutil
import traceback
from pathlib import Path

import pytest
import yaml

from assessment import paths
from assessment.bank.questionnaire import load_questionnaire
from assessment.bank.rules import load_rules
from assessment.bank.yamlio import DataError
from assessment.diagnose.engine import compiled

CASES = 400
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: a case costs a third
FILES = sorted([*paths.QUESTIONS_DIR.glob("*.yaml"), *paths.RULES_DIR.glob("*.yaml")])
# Values of every wrong type, including unhashable ones where an id belongs.
JUNK = [
    None,
    True,
    False,
    0,
    3,
    -1,
    2.5,
    10**6,
    "",
    "x",
    "Not An Id!",
    "zz_unknown",
    [],
    ["zz_unknown"],
    [1, 2],
    [[1]],
    [{"a": 1}],
    {},
    {"a": 1},
    {"ja": "x"},
    {"lt": "x"},
]


@pytest.fixture(scope="module")
def parsed() -> dict[Path, object]:
    return {f: yaml.safe_load(f.read_text(encoding="utf-8")) for f in FILES}


def _nodes(tree, path=()):
    """Every (path, value) in the tree, the root included."""
    yield path, tree
    if isinstance(tree, dict):
        for k, v in tree.items():
            yield from _nodes(v, (*path, k))
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            yield from _nodes(v, (*path, i))


def _strings(tree) -> list[str]:
    return [v for _, v in _nodes(tree) if isinstance(v, str) and re.fullmatch(r"[a-z0-9_]+", v)]


def _weight(path: tuple) -> float:
    """Translations are most of the nodes but the least interesting: pick structure more often."""
    return 0.05 if path and path[-1] in ("ja", "en") else 1.0


def _mutate(tree, rng: random.Random):
    """Return (tree changed at one random place, what was done); changes it in place where it can."""
    nodes = list(_nodes(tree))
    path, node = rng.choices(nodes, weights=[_weight(p) for p, _ in nodes])[0]
    if not path:  # the whole document
        value: object = copy.deepcopy(rng.choice([None, [], [tree], "text", 3, {}]))
        return value, f"document = {value!r:.60}"
    *up, last = path
    parent = tree
    for k in up:
        parent = parent[k]
    ops = ["junk", "junk", "drop", "wrap_list", "wrap_map", "empty", "other_id", "rename"]
    if isinstance(parent, list):
        ops.append("duplicate")
    if isinstance(node, dict):
        ops += ["to_list", "drop_key", "unknown_key"]
    if isinstance(node, list):
        ops += ["to_map", "duplicate_item", "reverse"]
    op = rng.choice(ops)
    where = "/".join(map(str, path))
    if op == "junk":
        value = copy.deepcopy(rng.choice(JUNK))
        parent[last] = value
        return tree, f"{where} = {value!r}"
    if op == "drop":
        del parent[last]
        return tree, f"drop {where}"
    if op == "wrap_list":
        parent[last] = [node]
    elif op == "wrap_map":
        parent[last] = {"value": node}
    elif op == "empty":
        parent[last] = type(node)() if isinstance(node, (dict, list, str)) else []
    elif op == "other_id":
        parent[last] = rng.choice(_strings(tree) or ["x"])
    elif op == "rename":
        parent[last] = f"{node}_renamed" if isinstance(node, str) else f"renamed_{node}"
    elif op == "duplicate":
        parent.insert(last, copy.deepcopy(node))
    elif op == "to_list":
        parent[last] = [{k: v} for k, v in node.items()]
    elif op == "drop_key" and node:
        del node[rng.choice(list(node))]
    elif op == "unknown_key":
        node["zz_unknown"] = rng.choice(JUNK)
    elif op == "to_map":
        parent[last] = {str(i): v for i, v in enumerate(node)}
    elif op == "duplicate_item" and node:
        node.append(copy.deepcopy(rng.choice(node)))
    elif op == "reverse":  # often still valid: then the engine compiles what was loaded
        node.reverse()
    return tree, f"{op} {where}"


def _case(seed: int, parsed: dict, tmp_path: Path) -> tuple[Path, Path, list[str]]:
    rng = random.Random(seed)
    qdir, rdir = tmp_path / "questions", tmp_path / "rules"
    shutil.copytree(paths.QUESTIONS_DIR, qdir)
    shutil.copytree(paths.RULES_DIR, rdir)
    source = rng.choice(FILES)
    tree = copy.deepcopy(parsed[source])
    done = []
    for _ in range(rng.choice((1, 1, 2, 3))):
        tree, what = _mutate(tree, rng)
        done.append(what)
    target = (qdir if source.parent == paths.QUESTIONS_DIR else rdir) / source.name
    target.write_text(yaml.dump(tree, Dumper=_DUMPER, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return qdir, rdir, [f"{source.parent.name}/{source.name}: {d}" for d in done]


_PROBLEM = re.compile(r"^(?P<file>.+?\.yaml)(?P<line>:\d+)?: \S")


@pytest.mark.parametrize("seed", range(CASES), ids=lambda s: f"seed_{s}")
def test_fuzzed_data_fails_only_with_a_located_data_error(seed, parsed, tmp_path):
    qdir, rdir, done = _case(seed, parsed, tmp_path)
    try:
        compiled(load_rules(rdir, load_questionnaire(qdir)))
    except DataError as exc:
        problems = exc.problems
    except Exception:
        pytest.fail(f"seed {seed}, mutations {done}:\n{traceback.format_exc()}")
    else:
        return
    assert problems, f"seed {seed}, mutations {done}: an empty DataError"
    for p in problems:
        m = _PROBLEM.match(p)
        assert m and Path(m["file"]).parent in (qdir, rdir), f"seed {seed}, mutations {done}: {p!r}"
        if not m["line"]:  # only a document that is a bare scalar has no line to name
            doc = yaml.safe_load(Path(m["file"]).read_text(encoding="utf-8"))
            assert not isinstance(doc, (dict, list)), f"seed {seed}, mutations {done}: no line in {p!r}"
