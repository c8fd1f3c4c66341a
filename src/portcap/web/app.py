"""The dashboard: server-rendered pages over the public API, Plotly charts, no internet needed.

:func:`create_app` builds the FastAPI application that ``portcap serve`` runs. The pages
(overview, inventory, cap, diversion, compare, uncertainty, scenario editor) show the
results of runs made by :mod:`portcap.web.jobs` on a worker thread; the default scenario
starts running when the server starts. Every script and style is served by portcap itself
(Plotly's library from the installed ``plotly`` package), and the Content-Security-Policy
forbids anything else, so the dashboard works offline and no request leaves the machine.

Safety: every input is checked on the server (:mod:`portcap.web.forms`; years, terminals,
pollutants and job ids against the known ones); nothing typed becomes a path or a query;
request bodies are limited to :data:`MAX_BODY_BYTES`; a run that fails shows its error
and the server goes on.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pandas as pd
import plotly.graph_objects as go
import plotly.offline
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from portcap import __version__, comparison, engine, ensemble
from portcap.ais.zones import load_zones
from portcap.report import figures
from portcap.scenario import load_scenario
from portcap.web import forms
from portcap.web.jobs import Job, JobManager

__all__ = ["MAX_BODY_BYTES", "create_app"]

MAX_BODY_BYTES = 16 * 1024
"""Largest request body the server reads [bytes] (a form is a few hundred)."""
DEFAULT_SCENARIO = "pr2304-cap"
ENSEMBLE_SCENARIO = "pr2304-cap-uncertain"
AIS_GRID_DEG = 0.01
"""Grid of the AIS map on the Inventory page [deg] (about 1.1 km by 0.9 km there)."""
_SHOWN_POLLUTANTS = ("nox", "pm25", "dpm", "sox", "co2e")
_PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)

ASGIApp = Callable[
    [MutableMapping[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
    Awaitable[None],
]


class _BodyLimit:
    """ASGI middleware: refuse request bodies over ``limit`` bytes with 413."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[Any]],
        send: Callable[[Any], Awaitable[None]],
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await _too_large(send, self.limit)
            return
        received = 0

        async def limited() -> Any:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _BodyTooLarge:
            await _too_large(send, self.limit)


class _BodyTooLarge(Exception):
    """Raised inside the app when a streamed request body passes the limit."""


async def _too_large(send: Callable[[Any], Awaitable[None]], limit: int) -> None:
    body = f"request body too large (at most {limit} bytes)".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"text/plain; charset=utf-8")],
        }
    )
    await send({"type": "http.response.body", "body": body})


@functools.cache
def _plotly_js() -> bytes:
    return plotly.offline.get_plotlyjs().encode("utf-8")


@functools.cache
def _zones() -> Any:
    return load_zones()


def _chart(figure: go.Figure) -> str:
    html: str = figure.to_html(
        full_html=False, include_plotlyjs=False, config=_PLOTLY_CONFIG, default_width="100%"
    )
    return html


def _table(frame: pd.DataFrame, digits: int = 0) -> str:
    html: str = frame.to_html(
        index=False,
        float_format=lambda v: f"{v:,.{digits}f}",
        na_rep="-",
        classes="data",
        border=0,
    )
    return html


def _choice(value: str | None, allowed: list[Any], default: Any) -> Any:
    """Return the allowed value whose text equals ``value``, else ``default``."""
    for option in allowed:
        if value is not None and str(option) == value:
            return option
    return default


def create_app(*, start_default_run: bool = True, jobs: JobManager | None = None) -> FastAPI:
    """Build the dashboard application.

    Parameters
    ----------
    start_default_run : bool
        Start running the default scenario (``pr2304-cap``) when the server starts.
    jobs : JobManager, optional
        Where runs are made (default: a new one).

    Returns
    -------
    fastapi.FastAPI
    """
    manager = jobs or JobManager()
    templates = Jinja2Templates(directory=str(resources.files("portcap.web") / "templates"))
    templates.env.globals["version"] = __version__

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if start_default_run and manager.latest("run", status=None) is None:
            _submit_run(manager, load_scenario(DEFAULT_SCENARIO))
        yield
        manager.shutdown()

    app = FastAPI(
        title="portcap", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None
    )
    app.state.jobs = manager
    app.add_middleware(_BodyLimit, limit=MAX_BODY_BYTES)

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = _CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    static = resources.files("portcap.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> Response:
        return Response(
            _plotly_js(),
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    def page(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
        run_job = context.get("run_job")
        context.setdefault("run_id", run_job.id if isinstance(run_job, Job) else None)
        context.setdefault("active_jobs", [j for j in manager.jobs() if j.status in _BUSY])
        return templates.TemplateResponse(
            request, name, {"page": name.removesuffix(".html"), **context}, status_code=status_code
        )

    def chosen_run(request: Request) -> Job | None:
        wanted = manager.get(request.query_params.get("run", ""))
        if wanted is not None and wanted.kind == "run" and wanted.status == "done":
            return wanted
        return manager.latest("run")

    def waiting(request: Request, name: str, what: str) -> Response:
        pending = manager.latest("run", status=None)
        return page(request, name, run_job=None, pending=pending, what=what)

    @app.get("/", response_class=HTMLResponse)
    def overview(request: Request) -> Response:
        job = chosen_run(request)
        if job is None:
            return waiting(request, "overview.html", "the default scenario")
        results: engine.Results = job.result
        summary = results.summary
        milestones = tuple(y for y in comparison.MILESTONES if y in results.scenario.years)
        return page(
            request,
            "overview.html",
            run_job=job,
            scenario=results.scenario,
            headline=_table(
                figures.headline_figures(summary, milestones or (results.scenario.end_year,))
            ),
            charts=[
                _chart(figures.emissions_against_cap(summary)),
                _chart(figures.teu_figure(summary)),
            ],
            runs=[j for j in manager.jobs() if j.kind == "run"],
        )

    @app.get("/inventory", response_class=HTMLResponse)
    def inventory_page(request: Request) -> Response:
        job = chosen_run(request)
        if job is None:
            return waiting(request, "inventory.html", "the default scenario")
        results: engine.Results = job.result
        years = results.scenario.years
        year = _choice(request.query_params.get("year"), years, years[0])
        pollutant = _choice(request.query_params.get("pollutant"), list(_SHOWN_POLLUTANTS), "nox")
        case = _choice(request.query_params.get("case"), ["policy", "baseline"], "policy")
        table = results.emissions if case == "policy" else results.baseline_emissions
        part = table[table["year"] == year]
        ships_job = manager.latest("ships")
        ais_chart = None
        if ships_job is not None and ships_job.result.gridded is not None:
            ais_chart = _chart(figures.ais_grid_map(ships_job.result.gridded, pollutant, _zones()))
        return page(
            request,
            "inventory.html",
            run_job=job,
            ships_job=ships_job,
            ais_chart=ais_chart,
            ais_snapshot=_AIS_SNAPSHOT,
            years=years,
            year=year,
            pollutants=_SHOWN_POLLUTANTS,
            pollutant=pollutant,
            case=case,
            totals=_table(figures.pollutant_totals(part, "source", _SHOWN_POLLUTANTS), 1),
            charts=[
                _chart(figures.inventory_bars(part, by="source", pollutant=pollutant)),
                _chart(figures.inventory_bars(part, by="terminal", pollutant=pollutant)),
            ],
            map_chart=_chart(figures.zones_map(_zones(), figures.terminal_tonnes(part, pollutant))),
        )

    @app.get("/cap", response_class=HTMLResponse)
    def cap_page(request: Request) -> Response:
        job = chosen_run(request)
        if job is None:
            return waiting(request, "cap.html", "the default scenario")
        results: engine.Results = job.result
        years = figures.capped_years(results)
        if not years:
            return page(request, "cap.html", run_job=job, years=[], scenario=results.scenario)
        year = _choice(request.query_params.get("year"), years, years[0])
        table = figures.terminal_caps_table(results, year).dropna(subset=["cap_tonnes"])
        terminals = sorted(table["terminal"])
        terminal = _choice(request.query_params.get("terminal"), terminals, terminals[0])
        state = table.set_index("terminal").loc[terminal]
        ledger = figures.terminal_ledger(results, year, terminal)
        return page(
            request,
            "cap.html",
            run_job=job,
            scenario=results.scenario,
            years=years,
            year=year,
            terminals=terminals,
            terminal=terminal,
            binding=state["binding_date"],
            turned_away=float(state["teu_turned_away"]),
            table=_table(table.drop(columns="allowed_share"), 1),
            charts=[
                _chart(figures.ledger_figure(ledger, terminal, year)),
                _chart(figures.turned_away_figure(results.terminals, year)),
            ],
        )

    @app.get("/diversion", response_class=HTMLResponse)
    def diversion_page(request: Request) -> Response:
        job = chosen_run(request)
        if job is None:
            return waiting(request, "diversion.html", "the default scenario")
        results: engine.Results = job.result
        summary: dict[str, Any] = results.summary
        by_year: dict[int, dict[str, Any]] = {y["year"]: y for y in summary["years"]}
        years = [y for y, row in by_year.items() if row["teu_turned_away"] > 0]
        if not years:
            return page(request, "diversion.html", run_job=job, years=[])
        year = _choice(request.query_params.get("year"), years, years[0])
        pollutant = _choice(request.query_params.get("pollutant"), ["nox", "co2e"], "nox")
        row = by_year[year]
        return page(
            request,
            "diversion.html",
            run_job=job,
            years=years,
            year=year,
            pollutant=pollutant,
            row=row,
            gateways=_table(figures.gateway_table(row)),
            leakage=_table(figures.leakage_table(results.diversion, year, pollutant), 1),
            charts=[
                _chart(figures.diversion_sankey(results.diversion, year)),
                _chart(figures.leakage_by_leg(results.diversion, year, pollutant)),
                _chart(figures.jobs_and_climate_figure(summary)),
            ],
        )

    @app.post("/inventory/ais")
    async def ais_start(request: Request) -> Response:
        await _form(request)  # the form has no fields: the packaged snapshot is gridded

        def work(progress: Callable[[int, int], None]) -> engine.ShipsRun:
            progress(0, 1)
            path = resources.files("portcap") / "data" / "ais" / _AIS_SNAPSHOT
            with resources.as_file(path) as snapshot:
                run = engine.run_ships(snapshot, quarantine_path=None, grid_deg=AIS_GRID_DEG)
            progress(1, 1)
            return run

        job = manager.submit("ships", f"ship emissions of {_AIS_SNAPSHOT} on a grid", work)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @app.get("/compare", response_class=HTMLResponse)
    def compare_page(request: Request) -> Response:
        job = manager.latest("compare")
        if job is None:
            return page(request, "compare.html", compare_job=None, scenarios=_compared())
        table: pd.DataFrame = job.result
        shown = table.drop(columns=["policy"], errors="ignore")
        return page(
            request,
            "compare.html",
            compare_job=job,
            scenarios=_compared(),
            table=_table(shown),
            charts=[_chart(f) for f in figures.comparison_figures(table)],
        )

    @app.post("/compare")
    async def compare_start(request: Request) -> Response:
        await _form(request)  # read (and size-check) the body; the form has no fields
        names = _compared()

        def work(progress: Callable[[int, int], None]) -> pd.DataFrame:
            table, _results = comparison.compare(names, on_run=progress)
            return table

        job = manager.submit("compare", f"{len(names)} scenarios compared", work)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @app.get("/uncertainty", response_class=HTMLResponse)
    def uncertainty_page(request: Request) -> Response:
        job = manager.latest("ensemble")
        context: dict[str, Any] = {"ensemble_job": job, "errors": {}, "draws": 16, "seed": 0}
        if job is None:
            return page(request, "uncertainty.html", **context)
        result: ensemble.EnsembleResult = job.result
        years = sorted(int(y) for y in result.draws["year"].unique())
        year = _choice(request.query_params.get("year"), years, _last_milestone(years))
        headline = _choice(
            request.query_params.get("headline"), list(ensemble.HEADLINES), "teu_turned_away"
        )
        quantiles = result.quantiles[result.quantiles["year"] == year].drop(columns="year")
        sensitivity = result.sensitivity
        sensitivity_years = sorted(int(y) for y in sensitivity["year"].unique())
        if sensitivity_years:
            shown_year = year if year in sensitivity_years else sensitivity_years[-1]
            sensitivity = sensitivity[sensitivity["year"] == shown_year]
        outputs = sorted(sensitivity["output"].unique())
        output = _choice(request.query_params.get("output"), outputs, outputs[0] if outputs else "")
        charts = [_chart(figures.ensemble_distribution_figure(result.draws, headline))]
        if outputs:
            charts.append(_chart(figures.sensitivity_figure(sensitivity, output)))
        if len(result.binding_probability):
            charts.append(
                _chart(figures.binding_probability_figure(result.binding_probability, year))
            )
        return page(
            request,
            "uncertainty.html",
            **context,
            years=years,
            year=year,
            headlines=ensemble.HEADLINES,
            headline=headline,
            outputs=outputs,
            output=output,
            quantiles=_table(quantiles, 2),
            ranking=_table(sensitivity.sort_values(["output", "rank"]), 3),
            charts=charts,
            n_draws=len(result.samples),
        )

    @app.post("/uncertainty")
    async def uncertainty_start(request: Request) -> Response:
        form = await _form(request)
        errors: dict[str, str] = {}
        draws = _bounded_int(form.get("draws"), 4, 256, "draws", errors)
        seed = _bounded_int(form.get("seed"), 0, 2**31 - 1, "seed", errors)
        if errors or draws is None or seed is None:
            return page(
                request,
                "uncertainty.html",
                status_code=422,
                ensemble_job=None,
                errors=errors,
                draws=form.get("draws", ""),
                seed=form.get("seed", ""),
            )

        def work(progress: Callable[[int, int], None]) -> ensemble.EnsembleResult:
            return ensemble.run_ensemble(
                ENSEMBLE_SCENARIO,
                draws=draws,
                seed=seed,
                progress=lambda done: progress(done, draws),
            )

        job = manager.submit("ensemble", f"{draws} draws of {ENSEMBLE_SCENARIO}, seed {seed}", work)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @app.get("/editor", response_class=HTMLResponse)
    def editor_page(request: Request) -> Response:
        base = request.query_params.get("base", forms.DEFAULT_BASE)
        fields = forms.editor_fields(base)
        return page(request, "editor.html", fields=fields, errors={}, values={})

    @app.post("/editor")
    async def editor_run(request: Request) -> Response:
        form = await _form(request)
        scenario, errors = forms.scenario_from_form(form)
        if scenario is None:
            base = form.get("base", forms.DEFAULT_BASE)
            fields = forms.editor_fields(base)
            return page(
                request, "editor.html", status_code=422, fields=fields, errors=errors, values=form
            )
        job = _submit_run(manager, scenario)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse)
    def job_page(request: Request, job_id: str) -> Response:
        job = manager.get(job_id)
        if job is None:
            return page(request, "error.html", status_code=404, message="No such run.")
        return page(request, "job.html", job=job, next_url=_next_url(job))

    @app.get("/api/jobs/{job_id}")
    def job_status(job_id: str) -> Response:
        job = manager.get(job_id)
        if job is None:
            return JSONResponse({"error": "no such job"}, status_code=404)
        return JSONResponse({**job.public(), "next_url": _next_url(job)})

    @app.get("/healthz")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app


_BUSY = ("queued", "running")
_AIS_SNAPSHOT = "marinecadastre-2022-01-03-socal.csv"
"""The packaged MarineCadastre AIS snapshot (3 January 2022, Southern California)."""


def _submit_run(manager: JobManager, scenario: Any) -> Job:
    return manager.submit(
        "run",
        scenario.name,
        lambda progress: engine.run(scenario, on_year=progress),
    )


def _next_url(job: Job) -> str:
    if job.kind == "run":
        return "/?" + urlencode({"run": job.id})
    return {"compare": "/compare", "ensemble": "/uncertainty", "ships": "/inventory#ais"}[job.kind]


def _compared() -> list[str]:
    return list(comparison.DEFAULT_SCENARIOS)


def _last_milestone(years: list[int]) -> int:
    shown = [y for y in comparison.MILESTONES if y in years]
    return shown[-1] if shown else years[-1]


async def _form(request: Request) -> dict[str, str]:
    """Read the url-encoded form of a POST, as text fields only (last value of a repeated key)."""
    body = await request.body()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return {}
    try:
        return dict(parse_qsl(text, keep_blank_values=True, max_num_fields=64))
    except ValueError:  # too many fields
        return {"_too_many_fields": ""}


def _bounded_int(
    raw: str | None, minimum: int, maximum: int, name: str, errors: dict[str, str]
) -> int | None:
    try:
        value = int((raw or "").strip())
    except ValueError:
        errors[name] = "must be a whole number"
        return None
    if not minimum <= value <= maximum:
        errors[name] = f"must be between {minimum} and {maximum}"
        return None
    return value
