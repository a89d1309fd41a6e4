"""The W3C Nu Html Checker (vnu.jar) finds no error on any page state of the funnel or the workspace.

The pages are the HTML the server sends (Flask's test client), each state written to a file, and the
checker runs once over all of them (a JVM start costs a few seconds). scripts/setup --dev installs
Java and the jar; without them this test fails rather than skips.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assessment import paths
from tests.factories import make_answers
from tests.web.conftest import make_app, make_config, page_form_data
from tests.web.test_survey import LEAD, PAGES, answer_all, resume_path, start
from tests.web.workspace import signed_in

VNU_JAR = Path(os.environ.get("VNU_JAR") or Path(sys.prefix) / "vnu/node_modules/vnu-jar/build/dist/vnu.jar")


def nu_errors(files: list[Path]) -> list[str]:
    """Every error the checker reports, as 'file:line: message'."""
    java = shutil.which("java")
    if java is None or not VNU_JAR.exists():
        pytest.fail(f"the Nu Html Checker needs java and {VNU_JAR}: run scripts/setup --dev")
    run = subprocess.run(
        [java, "-Xss1m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--also-check-css"]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stderr)["messages"]  # the checker writes its report to stderr
    return [
        f"{Path(m.get('url', '?')).name}:{m.get('lastLine', '?')}: {m['message']} [{m.get('extract', '').strip()}]"
        for m in messages
        if m["type"] in ("error", "non-document-error")
    ]


class States:
    """The page states collected, each checked as what the server sent."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.files: list[Path] = []

    def add(self, name: str, resp, status: int = 200) -> str:
        assert resp.status_code == status, (name, resp.status_code)
        html = resp.get_data(as_text=True)
        path = self.folder / f"{len(self.files):02d}-{name}.html"
        path.write_text(html, encoding="utf-8")
        self.files.append(path)
        return html


def _funnel(app, states: States, lang: str) -> None:
    client = app.test_client()
    client.get(f"/lang/{lang}")
    states.add(f"landing-{lang}", client.get("/?utm_source=nu"))
    if lang == "ja":
        states.add("landing-embedded", client.get("/?embed=1"))
    start(client)
    first = PAGES[0]
    states.add(f"question-{lang}", client.get("/q/1"))
    states.add(f"question-errors-{lang}", client.post("/q/1", data=page_form_data(first, {})), 422)
    answers = make_answers(1)
    client.post("/q/1", data=page_form_data(first, answers))
    states.add(f"question-answered-back-{lang}", client.get("/q/1"))
    states.add(f"profile-page-{lang}", client.get(f"/q/{len(PAGES)}"))
    link = resume_path(client.get("/q/2").get_data(as_text=True))
    states.add(f"resume-confirm-{lang}", app.test_client().get(link))
    results = answer_all(client, answers)
    states.add(f"results-gate-{lang}", client.get(results))
    refused = client.post(results + "/lead", data=dict(LEAD, email="taro@", acknowledge=""))
    states.add(f"results-gate-errors-{lang}", client.get(refused.location))
    states.add(f"resume-finished-{lang}", app.test_client().get(link), 410)
    report = client.post(results + "/lead", data=LEAD).location
    html = states.add(f"report-{lang}", client.get(report))
    pdf = re.search(r'href="(/pdf/[^"]+)"', html)
    assert pdf, "the report page has no PDF link"
    states.add(f"pdf-being-prepared-{lang}", client.get(pdf.group(1)), 202)
    states.add(f"not-found-{lang}", client.get("/nothing-here"), 404)


def _workspace(app, states: States) -> None:
    admin, _ = signed_in(app, "nu-admin@example.jp", "admin")
    states.add("sign-in", app.test_client().get("/account/login"))
    assert admin.get("/workspace/").status_code == 302  # the home is the clients list
    states.add("clients-empty", admin.get("/workspace/clients"))
    states.add("client-new", admin.get("/workspace/clients/new"))
    company = int(
        admin.post("/workspace/clients/new", data={"name": "株式会社マークアップ"}).location.rsplit("/", 1)[1]
    )
    states.add("client", admin.get(f"/workspace/clients/{company}"))
    states.add("client-edit", admin.get(f"/workspace/clients/{company}/edit"))
    aid = int(admin.post(f"/workspace/clients/{company}/interviews").location.split("/")[-2])
    states.add("interview-page", admin.get(f"/workspace/interviews/{aid}/1"))
    answers = make_answers(2)
    for page in PAGES:
        nav = "submit" if page.number == len(PAGES) else "next"
        data = {"page_marker": page.section, "nav": nav, **{q.id: answers[q.id] for q in page.questions}}
        assert admin.post(f"/workspace/interviews/{aid}/{page.number}", data=data).status_code == 303
    states.add("interview-results", admin.get(f"/workspace/interviews/{aid}"))
    states.add("clients", admin.get("/workspace/clients?q=マーク"))
    states.add("leads", admin.get("/workspace/leads"))
    lead = re.search(r'href="/workspace/leads/(\d+)"', admin.get("/workspace/leads").get_data(as_text=True))
    assert lead, "the inbox lists no lead"
    states.add("lead", admin.get(f"/workspace/leads/{lead.group(1)}"))
    states.add("users", admin.get("/workspace/users"))
    states.add("audit", admin.get("/workspace/audit"))
    states.add("two-factor-setup", admin.get("/account/tf-setup"))


def test_no_nu_html_checker_error_on_any_page_state(tmp_path):
    app = make_app(make_config(tmp_path, PDF_WAIT_SECONDS=0))
    states = States(tmp_path)
    try:
        _funnel(app, states, "ja")
        _funnel(app, states, "en")
        _workspace(app, states)
    finally:
        app.extensions["jobs"].close()
        app.extensions["database"].engine.dispose()
    css = tmp_path / "site.css"
    css.write_bytes((paths.STATIC_DIR / "css/site.css").read_bytes())
    assert len(states.files) >= 38  # every state above was collected
    errors = nu_errors([*states.files, css])
    assert not errors, "\n".join(errors)
