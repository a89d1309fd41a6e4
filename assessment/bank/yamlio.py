"""Line-aware YAML loading and the error type for bad data files.

Every mapping and list loaded here remembers the line it started on, so
validation can say "questions/kpi_design.yaml:42: question 'kd_tree':
options[2].score is missing" instead of a traceback.
"""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path
from typing import Any

import yaml

try:  # libyaml parses the bank ten times faster than the pure-Python parser; both give marks
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class DataError(Exception):
    """One or more problems in a data file (questions, rules)."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class LineDict(dict):
    """A dict that knows the YAML line it was read from (1-based)."""

    line: int = 0


class LineList(list):
    """A list that knows the YAML line it was read from (1-based)."""

    line: int = 0


class _LineLoader(_BaseLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            what = "list" if isinstance(key, list) else "mapping" if isinstance(key, dict) else type(key).__name__
            raise yaml.constructor.ConstructorError(None, None, f"a {what} cannot be a key", key_node.start_mark)
        if key in mapping:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=True)
    mapping.line = node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    seq = LineList(loader.construct_object(child, deep=True) for child in node.value)
    seq.line = node.start_mark.line + 1
    return seq


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def read_yaml(path: Path) -> tuple[Any, bytes]:
    """Parse one YAML file and return it with its bytes (for the version digest).

    Anything wrong with the file itself becomes a DataError naming file and line.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError([f"{path}: cannot read: {exc.strerror}"]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError([f"{path}:{line}: not UTF-8 text"]) from None
    try:
        return yaml.load(text, Loader=_LineLoader), raw  # a SafeLoader subclass: no arbitrary objects
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = f":{mark.line + 1}" if mark else ""
        raise DataError([f"{path}{at}: invalid YAML: {exc.problem or exc}"]) from None
    except yaml.YAMLError as exc:  # e.g. a control character the reader refuses
        raise DataError([f"{path}: invalid YAML: {exc}"]) from None
    except RecursionError:
        raise DataError([f"{path}: invalid YAML: nested too deeply"]) from None


def where(path: Path | str, *nodes: Any) -> str:
    """'file:line' for the first node that knows its line, 'file' when none does."""
    for node in nodes:
        line = getattr(node, "line", 0)
        if line:
            return f"{path}:{line}"
    return str(path)
