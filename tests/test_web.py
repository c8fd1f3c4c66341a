"""The dashboard's server side: pages, the editor's checks, jobs, and the safety rules.

Browser tests are in ``tests/browser/test_dashboard.py``; these use Starlette's test client
on a run of one year (2031), made once for the module.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from portcap import cli, engine, forecast
from portcap.policy.cap import binding_date, daily_ledger
from portcap.scenario import ScenarioError, load_scenario, scenario_from_mapping
from portcap.web import create_app, forms
from portcap.web.app import MAX_BODY_BYTES
from portcap.web.jobs import JobManager


@pytest.fixture(scope="module")
def manager() -> Iterator[JobManager]:
    jobs = JobManager()
    scenario = load_scenario("pr2304-cap").model_copy(update={"start_year": 2031, "end_year": 2031})
    job = jobs.submit("run", scenario.name, lambda progress: engine.run(scenario, on_year=progress))
    assert jobs.wait(job.id, timeout_s=600).status == "done"
    yield jobs
    jobs.shutdown()


@pytest.fixture(scope="module")
def client(manager: JobManager) -> Iterator[TestClient]:
    with TestClient(create_app(start_default_run=False, jobs=manager)) as test_client:
        yield test_client


PAGES = ["/", "/inventory", "/cap", "/diversion", "/compare", "/uncertainty", "/editor"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_answer_and_load_only_local_scripts(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', response.text)
    assert sources, "every page loads portcap's own script and style"
    assert all(s.startswith(("/", "data:")) for s in sources), sources
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_plotly_is_served_by_portcap(client: TestClient) -> None:
    response = client.get("/vendor/plotly.min.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert b"plotly" in response.content[:2000].lower()


def test_overview_shows_the_runs_headline_figures(client: TestClient, manager: JobManager) -> None:
    job = manager.latest("run")
    assert job is not None
    text = client.get("/").text
    turned_away = job.result.summary["years"][0]["teu_turned_away"]
    assert f"{turned_away:,.0f}" in text


def test_choices_outside_the_known_values_fall_back(client: TestClient) -> None:
    for url in (
        "/inventory?year=../../etc/passwd&pollutant=<script>alert(1)</script>",
        "/cap?year=1900&terminal=';DROP TABLE runs;--",
        "/diversion?year=x&pollutant=nox%00",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "alert(1)" not in response.text  # what was typed is never echoed
        assert "DROP TABLE" not in response.text
        assert "../../etc" not in response.text


@pytest.mark.parametrize("job_id", ["nothere", "../../etc/passwd", "0123456789ab", "%2e%2e"])
def test_unknown_jobs_are_404(client: TestClient, job_id: str) -> None:
    assert client.get(f"/jobs/{job_id}").status_code == 404
    assert client.get(f"/api/jobs/{job_id}").status_code == 404


def test_request_bodies_are_limited(client: TestClient) -> None:
    big = "base=pr2304-cap&x=" + "a" * (MAX_BODY_BYTES + 1)
    response = client.post(
        "/editor", content=big, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413

    def chunks() -> Iterator[bytes]:  # no content-length: counted as it arrives
        for _ in range(MAX_BODY_BYTES // 1000 + 2):
            yield b"a" * 1000

    response = client.post("/editor", content=chunks())
    assert response.status_code == 413
    assert client.get("/healthz").json()["status"] == "ok"


def test_invalid_form_values_are_refused_with_the_reason(
    client: TestClient, manager: JobManager
) -> None:
    before = len(manager.jobs())
    response = client.post(
        "/editor",
        data={"base": "pr2304-cap", "submitted": "1", "cap_pct_1": "-3", "growth_pct": "nan"},
    )
    assert response.status_code == 422
    assert "must be at least 0" in response.text
    assert "must be a finite number" in response.text
    assert len(manager.jobs()) == before
    response = client.post("/editor", data={"base": "/etc/passwd"})
    assert response.status_code == 422
    assert "must be one of" in response.text
    response = client.post("/uncertainty", data={"draws": "100000", "seed": "1"})
    assert response.status_code == 422
    assert "between 4 and 256" in response.text


def test_a_failed_run_shows_its_error_and_the_server_goes_on(
    client: TestClient, manager: JobManager
) -> None:
    def broken(_progress: object) -> None:
        raise RuntimeError("the solver fell over")

    job = manager.submit("run", "broken", broken)
    manager.wait(job.id, timeout_s=10)
    status = client.get(f"/api/jobs/{job.id}").json()
    assert status["status"] == "failed"
    assert "the solver fell over" in status["error"]
    assert "the solver fell over" in client.get(f"/jobs/{job.id}").text
    assert client.get("/").status_code == 200  # the last good run is still shown


def test_progress_is_reported_while_a_run_works() -> None:
    manager = JobManager()
    seen: list[tuple[int, int]] = []

    def work(progress: Callable[[int, int], None]) -> str:
        for done in range(1, 4):
            progress(done, 3)
            seen.append((done, 3))
            time.sleep(0.01)
        return "ok"

    job = manager.submit("run", "counting", work)
    finished = manager.wait(job.id, timeout_s=10)
    assert finished.result == "ok"
    assert (finished.done, finished.total) == (3, 3)
    assert seen == [(1, 3), (2, 3), (3, 3)]
    manager.shutdown()


# --- the editor's form --------------------------------------------------------------


def test_form_changes_the_caps_milestones_growth_and_regime_parameters() -> None:
    scenario, errors = forms.scenario_from_form(
        {
            "base": "pr2304-cap",
            "submitted": "1",
            "growth_pct": "2.5",
            "milestone_1": "2030",
            "cap_pct_1": "40",
            "milestone_2": "2036",
            "cap_pct_2": "70",
        }
    )
    assert errors == {}
    assert scenario is not None
    assert scenario.forecast["teu_growth_per_year"] == pytest.approx(0.025)
    assert sorted({(c.effective_year, c.pct_below) for c in scenario.caps}) == [
        (2030, 40.0),
        (2036, 70.0),
    ]
    assert scenario.turn_away is False  # an unticked checkbox is not sent: false
    funded, errors = forms.scenario_from_form(
        {"base": "funding", "funding.budget_usd_per_year": "1e8", "funding.divisible": "on"}
    )
    assert errors == {}
    assert funded is not None
    assert funded.funding["budget_usd_per_year"] == 1e8


def test_form_without_changes_gives_the_base_scenario_back() -> None:
    scenario, errors = forms.scenario_from_form({"base": "pr2304-cap"})
    assert errors == {}
    assert scenario is not None
    base = load_scenario("pr2304-cap")
    assert scenario.caps == base.caps
    assert scenario.policy == base.policy


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"cap_pct_2": "101"}, "cap_pct_2", "must be at most 100"),
        ({"milestone_1": "2031.5"}, "milestone_1", "must be a whole number"),
        ({"milestone_1": "2038"}, "milestone_2", "must be after milestone 1"),
        ({"growth_pct": "x" * 100}, "growth_pct", "too long"),
        ({"comment": "hi"}, "comment", "is not a field of this form"),
        ({"base": "trading", "trading.ceiling_usd_per_tonne": "-1"}, "_scenario", ""),
    ],
)
def test_form_errors_name_the_field(form: dict[str, str], field: str, message: str) -> None:
    scenario, errors = forms.scenario_from_form({"base": "pr2304-cap", **form})
    assert scenario is None
    assert field in errors or (field == "_scenario" and errors)
    assert message in errors.get(field, " ".join(errors.values()))


def test_scenario_from_mapping_checks_like_a_file() -> None:
    data = load_scenario("funding").model_dump()
    data["funding"] = {"budget_usd_per_year": -1}
    with pytest.raises(ScenarioError, match=r"the form: funding.budget_usd_per_year"):
        scenario_from_mapping(data, label="the form")
    data = load_scenario("baseline").model_dump()
    data["excluded_gateways"] = ["ATLANTIS"]
    with pytest.raises(ScenarioError, match="unknown gateway"):
        scenario_from_mapping(data, label="the form")


# --- the daily ledger the cap page draws -------------------------------------------------


def test_daily_ledger_binds_on_the_binding_date_and_ends_at_the_handled_emissions() -> None:
    profile = forecast.daily_profile(2031)
    ledger = daily_ledger(profile, handled_tonnes=400.0, allowed_share=0.6, cap_tonnes=400.0)
    first = ledger.loc[ledger["turning_away"], "date"].iloc[0]
    assert first == pd.Timestamp(binding_date(profile, 0.6))
    assert ledger["cumulative_tonnes"].iloc[-1] == pytest.approx(400.0)
    assert ledger["cumulative_tonnes"].max() <= 400.0 + 1e-9
    # before turn-away the terminal emits at its unconstrained rate, E / a per year
    day = ledger["turning_away"].idxmax() - 1
    assert ledger["cumulative_tonnes"].iloc[day] == pytest.approx(
        400.0 / 0.6 * ledger["activity_share_cumulative"].iloc[day]
    )
    free = daily_ledger(profile, handled_tonnes=100.0, allowed_share=1.0, cap_tonnes=None)
    assert not free["turning_away"].any()
    with pytest.raises(ValueError, match="allowed_share"):
        daily_ledger(profile, handled_tonnes=1.0, allowed_share=1.5, cap_tonnes=1.0)


def test_serve_binds_to_this_machine_by_default() -> None:
    args = cli.build_parser().parse_args(["serve"])
    assert (args.host, args.port) == ("127.0.0.1", 8000)


def test_the_inventory_page_grids_the_ais_snapshot(client: TestClient, manager: JobManager) -> None:
    assert 'id="run-ais"' in client.get("/inventory").text
    response = client.post("/inventory/ais", follow_redirects=False)
    assert response.status_code == 303
    job_id = response.headers["location"].rsplit("/", 1)[-1]
    job = manager.wait(job_id, timeout_s=300)
    assert job.status == "done", job.error
    page = client.get("/inventory?pollutant=co2e").text
    assert 'id="ais-map"' in page
    assert "Ship CO2E from AIS by grid cell" in page


def test_each_terminals_ledger_binds_on_the_runs_binding_date(manager: JobManager) -> None:
    from portcap.report import figures

    job = manager.latest("run")
    assert job is not None
    results = job.result
    table = figures.terminal_caps_table(results, 2031).dropna(subset=["cap_tonnes"])
    assert len(table) == 13  # the container terminals of both ports
    for row in table.itertuples():
        ledger = figures.terminal_ledger(results, 2031, row.terminal)
        turning = ledger.loc[ledger["turning_away"], "date"]
        if row.binding_date is None:
            assert turning.empty
        else:
            assert turning.iloc[0] == pd.Timestamp(row.binding_date)
        assert ledger["cumulative_tonnes"].iloc[-1] == pytest.approx(row.after_tonnes)
        assert ledger["cumulative_tonnes"].iloc[-1] <= row.cap_tonnes * (1 + 1e-9)
