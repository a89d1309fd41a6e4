"""A consultant's comments and report notes as the report shows them: texts already in the report's language."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Comment:
    heading: str | None  # an area's name, a pitfall's title; None: the overall comment
    body: str
    author: str
    date: str  # ISO date
    discussed: bool = False


@dataclass(frozen=True)
class ReportNote:
    question: str  # the question's text
    note: str


@dataclass(frozen=True)
class ConsultantComments:
    comments: tuple[Comment, ...] = ()
    notes: tuple[ReportNote, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.comments or self.notes)
