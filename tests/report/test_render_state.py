"""render_pdf pauses the cyclic collector while WeasyPrint works, and always puts it back."""

from __future__ import annotations

import gc

import pytest
import weasyprint

from assessment.report import render_pdf
from tests.report.conftest import diagnosis


def test_the_collector_is_paused_during_a_render_and_back_after_a_failed_one(monkeypatch):
    seen = []

    def failing_write_pdf(self, *args, **kwargs):
        seen.append(gc.isenabled())
        raise RuntimeError("boom")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", failing_write_pdf)
    assert gc.isenabled()
    with pytest.raises(RuntimeError, match="boom"):
        render_pdf(diagnosis("campaign_machine", "ja"))
    assert seen == [False]
    assert gc.isenabled()


def test_a_collector_paused_by_the_caller_stays_paused():
    gc.disable()
    try:
        assert render_pdf(diagnosis("mature", "en")).startswith(b"%PDF")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_render_leaves_no_cyclic_garbage_behind():
    d = diagnosis("mature", "en")
    render_pdf(d)
    gc.collect()
    before = len(gc.get_objects())
    for _ in range(3):
        render_pdf(d)
    gc.collect()
    assert len(gc.get_objects()) - before < 50
