"""report.html of a run and of a comparison: every chart drawn in Chromium, offline, no errors.

The pages are opened from ``file://`` URLs, as a user opens a report saved on disk; the
``logged_page`` fixture aborts and records every request that would leave localhost, so a
chart that needed a CDN (plotly.js, MathJax, fonts) would fail the test twice over: not drawn,
and an external request logged.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from portcap import comparison, engine, output

# A plot is drawn once plotly.js has rendered its SVG layers into the div it was given.
_DRAWN = """() => [...document.querySelectorAll('div.plotly-graph-div')]
    .filter(div => div.classList.contains('js-plotly-plot')
                   && div.querySelector('svg.main-svg') !== null).length"""


@pytest.fixture(scope="module")
def short_scenarios(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("browser-scenarios")
    paths = []
    for name in ("baseline", "pr2304-cap"):
        path = folder / f"{name}.yaml"
        path.write_text(f"extends: {name}\nstart_year: 2030\nend_year: 2031\n", encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def run_report(short_scenarios: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    results = engine.run(short_scenarios[1])
    return output.write_run(results, tmp_path_factory.mktemp("run"))["report"]


@pytest.fixture(scope="module")
def compare_report(short_scenarios: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    table, results = comparison.compare(short_scenarios, years=(2031,))
    written = output.write_comparison(table, tmp_path_factory.mktemp("compare"), results)
    return written["report copy"]


def _open_and_count_charts(page: Page, report: Path) -> tuple[int, int]:
    """Open a report; wait until every chart div is drawn; return (chart divs, drawn)."""
    page.goto(report.resolve().as_uri(), wait_until="load")
    divs = page.locator("div.plotly-graph-div").count()
    assert divs > 0, f"{report.name}: no chart in the page"
    page.wait_for_function(f"({_DRAWN})() === {divs}", timeout=60_000)
    return divs, int(page.evaluate(_DRAWN))


@pytest.mark.parametrize(
    ("report_fixture", "screenshot", "charts"),
    [("run_report", "report-run.png", 4), ("compare_report", "report-compare.png", 3)],
)
def test_report_draws_every_chart_offline(
    logged_page: tuple[Page, Any],
    artefacts: Path,
    request: pytest.FixtureRequest,
    report_fixture: str,
    screenshot: str,
    charts: int,
) -> None:
    page, log = logged_page
    report: Path = request.getfixturevalue(report_fixture)
    html = report.read_text(encoding="utf-8")
    assert re.search(r"<script[^>]*\bsrc=", html) is None  # plotly.js is inline
    assert re.search(r"<link[^>]*\bhref=", html) is None  # no style sheets or fonts to fetch
    divs, drawn = _open_and_count_charts(page, report)
    # the run report has 4 charts; the comparison 3 per milestone year (one here)
    assert divs == charts
    assert drawn == divs
    assert page.locator(".js-plotly-plot").count() == divs
    log.assert_clean()
    page.screenshot(path=str(artefacts / screenshot), full_page=True)
    assert (artefacts / screenshot).stat().st_size > 10_000
