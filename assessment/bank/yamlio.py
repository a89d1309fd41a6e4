"""Line-aware YAML loading and the error type for bad data files.

Every mapping loaded here remembers the line it started on, so validation
can say "questions/kpi_design.yaml:42: question 'kd_tree': options[2].score
is missing" instead of a traceback.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class DataError(Exception):
    """One or more problems in a data file (questions, rules)."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class LineDict(dict):
    """A dict that knows the YAML line it was read from (1-based)."""

    line: int = 0


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)


def load_yaml(path: Path) -> Any:
    """Parse one YAML file; syntax errors become a DataError naming file and line."""
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise DataError([f"{path}{line}: invalid YAML: {exc.problem or exc}"]) from None
    except OSError as exc:
        raise DataError([f"{path}: cannot read: {exc.strerror}"]) from None


def where(path: Path | str, node: Any) -> str:
    """'file:line' for a loaded mapping, 'file' when no line is known."""
    line = getattr(node, "line", 0)
    return f"{path}:{line}" if line else str(path)
