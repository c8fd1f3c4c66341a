"""The dashboard in a real browser: every page, the editor's run, an invalid value, offline.

One server (uvicorn on a free local port, in a thread) serves the whole module; it starts
by running the default scenario, as ``portcap serve`` does. Screenshots of every page go
to ``out/test-artefacts/dashboard-<page>.png`` (shown in the README).
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Page

from portcap.web import create_app
from portcap.web.jobs import JobManager

RUN_TIMEOUT_S = 600


class _Server:
    def __init__(self) -> None:
        self.jobs = JobManager()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        config = uvicorn.Config(
            create_app(jobs=self.jobs), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_for_runs(self) -> None:
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while time.monotonic() < deadline:
            busy = [j for j in self.jobs.jobs() if j.status in ("queued", "running")]
            if self.jobs.jobs() and not busy:
                return
            time.sleep(0.5)
        pytest.fail("the dashboard's runs did not finish in time")


@pytest.fixture(scope="module")
def server() -> Iterator[_Server]:
    served = _Server()
    served.thread.start()
    deadline = time.monotonic() + 30
    while not served.server.started:
        if time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    served.wait_for_runs()  # the default scenario, started with the server
    yield served
    served.server.should_exit = True
    served.thread.join(timeout=10)


def _charts_drawn(page: Page) -> int:
    """Wait until every Plotly chart of the page is drawn; return how many there are."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')]"
        ".every(div => div.querySelector('svg.main-svg'))",
        timeout=30_000,
    )
    return page.locator(".js-plotly-plot").count()


PAGES = {
    "overview": "/",
    "inventory": "/inventory?year=2031&pollutant=nox",
    "cap": "/cap?year=2031",
    "diversion": "/diversion?year=2031",
    "editor": "/editor",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_loads_offline_without_errors(
    server: _Server, logged_page: tuple[Page, Any], artefacts: Path, name: str
) -> None:
    page, log = logged_page
    response = page.goto(server.url + PAGES[name])
    assert response is not None
    assert response.status == 200
    if name != "editor":
        assert _charts_drawn(page) >= 2
    page.screenshot(path=artefacts / f"dashboard-{name}.png", full_page=True)
    log.assert_clean()


def _headline_turned_away(page: Page, year: int) -> float:
    """TEU turned away in ``year`` from the overview's headline table."""
    headers = page.locator("#headline th").all_inner_texts()
    column = headers.index("TEU turned away")
    for row in page.locator("#headline tbody tr").all():
        cells = row.locator("td").all_inner_texts()
        if cells[0] == str(year):
            return float(cells[column].replace(",", ""))
    pytest.fail(f"no row for {year} in the headline table")


def test_editor_run_changes_the_turned_away_teu(
    server: _Server, logged_page: tuple[Page, Any]
) -> None:
    page, log = logged_page
    page.goto(server.url + "/")
    before = _headline_turned_away(page, 2031)
    assert before > 0  # the default cap (50 % below 2023 from 2031) turns cargo away
    page.goto(server.url + "/editor")
    page.fill("#f-cap_pct_1", "30")
    page.click("#run-scenario")
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f]{12}$"))
    page.wait_for_selector("#job-progress")
    page.wait_for_url(re.compile(r"/\?run=[0-9a-f]{12}$"), timeout=RUN_TIMEOUT_S * 1000)
    assert "pr2304-cap-edited" in page.inner_text(".run")
    after = _headline_turned_away(page, 2031)
    assert after < before  # a looser cap turns less cargo away
    _charts_drawn(page)
    log.assert_clean()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cap_pct_1", "140", "must be at most 100"),
        ("growth_pct", "fast", "must be a number"),
        ("milestone_2", "2030", "must be after milestone 1"),
    ],
)
def test_invalid_value_is_refused_with_its_reason(
    server: _Server, logged_page: tuple[Page, Any], field: str, value: str, message: str
) -> None:
    page, log = logged_page
    runs_before = len(server.jobs.jobs())
    page.goto(server.url + "/editor")
    page.fill(f"#f-{field}", value)
    with page.expect_response(lambda r: r.url.endswith("/editor")) as answer:
        page.click("#run-scenario")
    assert answer.value.status == 422
    assert message in page.inner_text(f"#error-{field}")
    assert len(server.jobs.jobs()) == runs_before  # nothing was run
    log.console_errors = [e for e in log.console_errors if "422" not in e]
    log.assert_clean()


def test_compare_and_uncertainty_pages_run_and_show_results(
    server: _Server, logged_page: tuple[Page, Any], artefacts: Path
) -> None:
    page, log = logged_page
    page.goto(server.url + "/uncertainty")
    page.fill("input[name=draws]", "4")
    page.click("#run-ensemble")
    page.wait_for_url(re.compile(r"/uncertainty$"), timeout=RUN_TIMEOUT_S * 1000)
    assert "4 draws" in page.inner_text("main")
    assert _charts_drawn(page) >= 2
    page.screenshot(path=artefacts / "dashboard-uncertainty.png", full_page=True)

    page.goto(server.url + "/compare")
    page.click("#run-compare")
    page.wait_for_url(re.compile(r"/compare$"), timeout=RUN_TIMEOUT_S * 1000)
    table = page.inner_text("#compare-table")
    for scenario in ("pr2304-cap", "funding", "trading"):
        assert scenario in table
    assert _charts_drawn(page) >= 3
    page.screenshot(path=artefacts / "dashboard-compare.png", full_page=True)
    log.assert_clean()


def test_inventory_page_draws_the_ais_grid(
    server: _Server, logged_page: tuple[Page, Any], artefacts: Path
) -> None:
    page, log = logged_page
    page.goto(server.url + "/inventory?year=2031&pollutant=nox")
    page.click("#run-ais")
    page.wait_for_url(re.compile(r"/inventory#ais$"), timeout=RUN_TIMEOUT_S * 1000)
    page.wait_for_selector("#ais-map .js-plotly-plot")
    assert _charts_drawn(page) >= 4
    page.screenshot(path=artefacts / "dashboard-inventory.png", full_page=True)
    log.assert_clean()
