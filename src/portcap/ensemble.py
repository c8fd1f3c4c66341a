"""Monte Carlo ensembles of a scenario: `portcap ensemble`.

A scenario's ``uncertainty`` section gives any of its parameters a distribution, with
its source, and may correlate them::

    uncertainty:
      parameters:
        forecast.teu_growth_per_year: {dist: triangular, low: 0.005, mode: 0.018, high: 0.03,
                                       source: "..."}
        technology.capital_cost_scale: {dist: lognormal, median: 1.0, sigma: 0.3, source: "..."}
        diversion.beta_cost_per_usd: {dist: normal, mean: -0.0009, sd: 0.0002, source: "..."}
        caps.0.pct_below: {dist: uniform, low: 40, high: 60, source: "..."}
        economy.jobs_per_1000_teu: {dist: choice, values: [8, 11.87, 14], source: "..."}
      correlations:
        - [technology.capital_cost_scale, technology.availability_scale, -0.5]

A path is ``<section>.<field>`` of a stage's parameters (``forecast``, ``diversion``,
``economy``, ``technology``, ``funding``, ``points_fee``, ``trading``, ``agreement``), or a
path into the scenario itself (``caps.<i>.<field>``, ``start_year`` ...).

:func:`sample` draws a Latin hypercube (or scrambled Sobol) sample of the unit cube from
the seed, correlates it through a Gaussian copula (Cholesky factor of the correlation
matrix applied to normal scores) and maps each column through its distribution's inverse
CDF. The whole sample is made once, before any run, so a draw's values depend only on
(seed, draw, parameter): a result never depends on how the draws are split among workers.

:func:`run_ensemble` runs every draw (in this process, in local worker processes, or on a
Dask cluster), and summarises: per-draw results, the 5/50/95 % quantiles of every headline
figure by year, the probability that each terminal's cap binds before the end of each
month, and a sensitivity ranking (Spearman rank correlation of each parameter with each
output).

A draw costs little because everything that does not depend on its values is computed
once and kept, keyed by content (:mod:`portcap.engine`): the observed inventories and two
anchor projections per year (a draw's growth is interpolated between them), the
clean-technology option plans, the port-choice and routing tables of the diversion. On
Dask those inventories are built first, one task each, spread over the workers, and handed
to the tasks of draws that need them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator
from scipy import stats
from scipy.stats import qmc

from portcap.scenario import MILESTONES, Scenario, ScenarioError, load_scenario

__all__ = [
    "HEADLINES",
    "Distribution",
    "EnsembleResult",
    "Uncertainty",
    "apply_draw",
    "run_ensemble",
    "sample",
]

HEADLINES: tuple[str, ...] = (
    "teu_turned_away",
    "teu_unserved",
    "regional_nox_tonnes",
    "regional_nox_cut_tonnes",
    "nox_elsewhere_change_tonnes",
    "net_co2e_change_tonnes",
    "regional_jobs_change",
    "compliance_cost_usd",
)
"""Per-year figures kept for every draw (and summarised by quantiles)."""


class Distribution(BaseModel):
    """A parameter's distribution, with its source."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dist: Literal["normal", "lognormal", "triangular", "uniform", "choice"]
    """The family."""
    source: str = Field(min_length=1)
    """Where the distribution comes from (a citation or the reasoning of an assumption)."""
    mean: float | None = None
    """normal: mean."""
    sd: float | None = Field(default=None, gt=0)
    """normal: standard deviation."""
    median: float | None = Field(default=None, gt=0)
    """lognormal: median."""
    sigma: float | None = Field(default=None, gt=0)
    """lognormal: standard deviation of the logarithm."""
    low: float | None = None
    """triangular, uniform: lower bound."""
    mode: float | None = None
    """triangular: most likely value."""
    high: float | None = None
    """triangular, uniform: upper bound."""
    values: tuple[float, ...] | None = None
    """choice: the possible values."""
    weights: tuple[float, ...] | None = None
    """choice: their probabilities (default equal; must sum to one)."""

    @model_validator(mode="after")
    def _check(self) -> Distribution:
        needs = {
            "normal": ("mean", "sd"),
            "lognormal": ("median", "sigma"),
            "triangular": ("low", "mode", "high"),
            "uniform": ("low", "high"),
            "choice": ("values",),
        }[self.dist]
        missing = [name for name in needs if getattr(self, name) is None]
        if missing:
            msg = f"a {self.dist} distribution needs {', '.join(needs)}; missing {missing}"
            raise ValueError(msg)
        if self.dist == "triangular" and not (self.low <= self.mode <= self.high):  # type: ignore[operator]
            msg = f"triangular needs low <= mode <= high, got {self.low}, {self.mode}, {self.high}"
            raise ValueError(msg)
        if self.dist in ("triangular", "uniform") and not self.low < self.high:  # type: ignore[operator]
            msg = f"{self.dist} needs low < high, got {self.low} and {self.high}"
            raise ValueError(msg)
        if self.dist == "choice":
            values = self.values or ()
            if not values:
                msg = "choice needs at least one value"
                raise ValueError(msg)
            if self.weights is not None:
                if len(self.weights) != len(values) or min(self.weights) < 0:
                    msg = "choice weights must be one non-negative weight per value"
                    raise ValueError(msg)
                if not math.isclose(sum(self.weights), 1.0, abs_tol=1e-9):
                    msg = f"choice weights must sum to 1, got {sum(self.weights)}"
                    raise ValueError(msg)
        return self

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Map uniform quantiles in (0, 1) to values of the distribution (inverse CDF).

        Examples
        --------
        >>> Distribution(dist="uniform", low=2, high=4, source="x").ppf(np.array([0.25]))
        array([2.5])
        >>> Distribution(dist="choice", values=(1, 2), source="x").ppf(np.array([0.4, 0.6]))
        array([1., 2.])
        """
        u = np.clip(np.asarray(u, dtype=float), 1e-12, 1 - 1e-12)
        if self.dist == "normal":
            return np.asarray(stats.norm.ppf(u, loc=self.mean, scale=self.sd), dtype=float)
        if self.dist == "lognormal":
            return np.asarray(stats.lognorm.ppf(u, s=self.sigma, scale=self.median), dtype=float)
        if self.dist == "uniform":
            low, high = float(self.low), float(self.high)  # type: ignore[arg-type]
            return low + u * (high - low)
        if self.dist == "triangular":
            low, mode, high = float(self.low), float(self.mode), float(self.high)  # type: ignore[arg-type]
            c = (mode - low) / (high - low)
            return np.asarray(stats.triang.ppf(u, c, loc=low, scale=high - low), dtype=float)
        values = np.asarray(self.values, dtype=float)
        weights = (
            np.full(len(values), 1.0 / len(values))
            if self.weights is None
            else np.asarray(self.weights, dtype=float)
        )
        edges = np.cumsum(weights)
        index = np.minimum(np.searchsorted(edges, u, side="right"), len(values) - 1)
        return values[index]


class Uncertainty(BaseModel):
    """The ``uncertainty`` section of a scenario."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    parameters: dict[str, Distribution] = Field(default_factory=dict)
    """Path of a scenario parameter -> its distribution."""
    correlations: tuple[tuple[str, str, float], ...] = ()
    """Rank correlations between pairs of parameters (Gaussian copula)."""

    @model_validator(mode="after")
    def _check(self) -> Uncertainty:
        names = set(self.parameters)
        for first, second, rho in self.correlations:
            unknown = [n for n in (first, second) if n not in names]
            if unknown:
                msg = f"correlation names parameter(s) without a distribution: {unknown}"
                raise ValueError(msg)
            if not -1 < rho < 1 or first == second:
                msg = f"correlation of {first} and {second} must be in (-1, 1), got {rho}"
                raise ValueError(msg)
        if self.correlations:
            matrix = self.correlation_matrix()
            if np.linalg.eigvalsh(matrix).min() <= 0:
                msg = "the correlations do not form a positive-definite matrix"
                raise ValueError(msg)
        return self

    def correlation_matrix(self) -> np.ndarray:
        """Return the correlation matrix of the parameters (in their order)."""
        names = list(self.parameters)
        matrix = np.eye(len(names))
        for first, second, rho in self.correlations:
            i, j = names.index(first), names.index(second)
            matrix[i, j] = matrix[j, i] = rho
        return matrix


def sample(
    uncertainty: Uncertainty,
    draws: int,
    *,
    seed: int = 0,
    method: Literal["lhs", "sobol"] = "lhs",
) -> pd.DataFrame:
    """Draw the parameter sample of an ensemble.

    Parameters
    ----------
    uncertainty : Uncertainty
        Distributions and correlations.
    draws : int
        Number of draws (>= 1; a power of two for ``sobol`` is best).
    seed : int
        The seed: the same seed gives the same sample.
    method : {'lhs', 'sobol'}
        Latin hypercube (scipy.stats.qmc.LatinHypercube) or scrambled Sobol.

    Returns
    -------
    DataFrame
        One row per draw (``draw`` 0..n-1), one column per parameter path.

    Examples
    --------
    >>> u = Uncertainty(parameters={"forecast.teu_growth_per_year":
    ...     Distribution(dist="uniform", low=0.0, high=0.04, source="assumption")})
    >>> table = sample(u, 8, seed=1)
    >>> sorted((table["forecast.teu_growth_per_year"] // 0.005).astype(int).tolist())
    [0, 1, 2, 3, 4, 5, 6, 7]
    """
    if draws < 1:
        msg = f"draws must be at least 1, got {draws}"
        raise ValueError(msg)
    names = list(uncertainty.parameters)
    if not names:
        return pd.DataFrame({"draw": np.arange(draws)})
    engine: qmc.QMCEngine
    if method == "sobol":
        engine = qmc.Sobol(d=len(names), scramble=True, seed=seed)
    else:
        engine = qmc.LatinHypercube(d=len(names), seed=seed)
    unit = engine.random(draws)
    if uncertainty.correlations:
        scores = stats.norm.ppf(np.clip(unit, 1e-12, 1 - 1e-12))
        scores = scores @ np.linalg.cholesky(uncertainty.correlation_matrix()).T
        unit = stats.norm.cdf(scores)
    table = pd.DataFrame({"draw": np.arange(draws)})
    for column, name in enumerate(names):
        table[name] = uncertainty.parameters[name].ppf(unit[:, column])
    return table


def apply_draw(scenario: Scenario, values: dict[str, float]) -> Scenario:
    """Return the scenario with the draw's values set at their paths (validated again).

    Examples
    --------
    >>> base = load_scenario("pr2304-cap")
    >>> changed = apply_draw(base, {"caps.0.pct_below": 40.0, "forecast.teu_growth_per_year": 0.01})
    >>> changed.caps[0].pct_below, changed.forecast["teu_growth_per_year"]
    (40.0, 0.01)
    """
    data = scenario.model_dump(mode="json")
    data.pop("uncertainty", None)
    for path, value in values.items():
        parts = path.split(".")
        target: Any = data
        for part in parts[:-1]:
            target = target[int(part)] if isinstance(target, list) else target.setdefault(part, {})
        last = parts[-1]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value
    data["uncertainty"] = scenario.uncertainty
    return Scenario.model_validate(data)


@dataclass(frozen=True)
class EnsembleResult:
    """What an ensemble produced.

    Attributes
    ----------
    samples : DataFrame
        The parameter values of each draw.
    draws : DataFrame
        Per draw and year, the :data:`HEADLINES`.
    binding : DataFrame
        Per draw, year and container terminal, the date its cap bound (or None).
    quantiles : DataFrame
        Per year and headline, the 5, 50 and 95 % quantiles (and the mean).
    binding_probability : DataFrame
        Per year, terminal and month, the share of draws in which the terminal's cap had
        bound by the end of that month.
    sensitivity : DataFrame
        Per output (headline in the last milestone year) and parameter, the Spearman rank
        correlation and its rank (1 = strongest).
    """

    samples: pd.DataFrame
    draws: pd.DataFrame
    binding: pd.DataFrame
    quantiles: pd.DataFrame
    binding_probability: pd.DataFrame
    sensitivity: pd.DataFrame


def _draw_rows(draw: int, scenario_json: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run one draw and return its headline and binding rows (runs in any worker)."""
    from portcap.engine import run

    scenario = Scenario.model_validate_json(scenario_json)
    results = run(scenario)
    rows, binding = [], []
    for year in results.summary["years"]:  # type: ignore[attr-defined]
        regional = year["regional_emissions_tonnes"]["nox"]
        rows.append(
            {
                "draw": draw,
                "year": year["year"],
                "teu_turned_away": year["teu_turned_away"],
                "teu_unserved": year["teu_unserved"],
                "regional_nox_tonnes": regional,
                "regional_nox_cut_tonnes": year["baseline_regional_emissions_tonnes"]["nox"]
                - regional,
                "nox_elsewhere_change_tonnes": year["emissions_elsewhere_change_tonnes"]["nox"],
                "net_co2e_change_tonnes": year["net_co2e_change_tonnes"],
                "regional_jobs_change": year["regional_jobs_change"],
                "compliance_cost_usd": year["compliance_cost_usd"],
            }
        )
        for terminal, date in year["cap_binding_dates"].items():
            binding.append({"draw": draw, "year": year["year"], "terminal": terminal, "date": date})
    return rows, binding


def _run_chunk(
    chunk: list[tuple[int, str]], *inventories: tuple[tuple[str, ...], pd.DataFrame]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run a chunk of draws (in a worker), with the inventories built for them elsewhere."""
    from portcap import engine

    # content-keyed: used only for the activity set, years and parameters they were made from
    engine.import_projections(dict(inventories))
    rows: list[dict[str, Any]] = []
    binding: list[dict[str, Any]] = []
    for draw, scenario_json in chunk:
        more_rows, more_binding = _draw_rows(draw, scenario_json)
        rows += more_rows
        binding += more_binding
    return rows, binding


def _inventory_keys(chunk: list[tuple[int, str]]) -> list[tuple[str, ...]]:
    """Keys of the observed and projected inventories the draws of a chunk need."""
    from portcap import engine

    keys: dict[tuple[str, ...], None] = {}
    for _, scenario_json in chunk:
        scenario = Scenario.model_validate_json(scenario_json)
        keys.update(dict.fromkeys(engine.projection_keys(scenario)))
    return list(keys)


def run_ensemble(
    scenario: Scenario | str | None = None,
    *,
    draws: int = 32,
    seed: int = 0,
    method: Literal["lhs", "sobol"] = "lhs",
    scheduler: str | None = None,
    chunk_size: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> EnsembleResult:
    """Run ``draws`` draws of a scenario's uncertain parameters and summarise them.

    Parameters
    ----------
    scenario : Scenario or str, optional
        A scenario with an ``uncertainty`` section (default: ``pr2304-cap-uncertain``).
    draws : int
        Number of draws.
    seed : int
        Seed of the sample (the same seed gives the same results, however the draws run).
    method : {'lhs', 'sobol'}
        Sampling design.
    scheduler : str, optional
        None: run the draws one after the other in this process; ``"local"``: a Dask
        ``LocalCluster`` of worker processes on this machine; otherwise the address of a
        Dask scheduler (``tcp://host:8786``). On Dask, the inventories the draws need are
        built once, in parallel, and sent to the workers that run the draws.
    chunk_size : int, optional
        Draws per task (default: spread the draws evenly over the workers).
    progress : callable, optional
        Called with the number of draws finished so far.

    Returns
    -------
    EnsembleResult

    Raises
    ------
    ScenarioError
        If the scenario has no uncertain parameters.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario or "pr2304-cap-uncertain")
    uncertainty = Uncertainty.model_validate(scenario.uncertainty)
    if not uncertainty.parameters:
        raise ScenarioError(
            f"scenario {scenario.name!r} has no uncertainty.parameters: nothing to draw"
        )
    samples = sample(uncertainty, draws, seed=seed, method=method)
    names = list(uncertainty.parameters)
    jobs = [
        (
            int(row["draw"]),
            apply_draw(scenario, {n: float(row[n]) for n in names}).model_dump_json(),
        )
        for row in samples.to_dict("records")
    ]
    rows: list[dict[str, Any]] = []
    binding: list[dict[str, Any]] = []
    if scheduler is None:
        for done, job in enumerate(jobs, start=1):
            more_rows, more_binding = _draw_rows(*job)
            rows += more_rows
            binding += more_binding
            if progress:
                progress(done)
    else:
        rows, binding = _run_on_dask(jobs, scheduler, chunk_size, progress)
    table = pd.DataFrame(rows).sort_values(["draw", "year"]).reset_index(drop=True)
    bound = pd.DataFrame(binding, columns=["draw", "year", "terminal", "date"])
    bound = bound.sort_values(["draw", "year", "terminal"]).reset_index(drop=True)
    return EnsembleResult(
        samples=samples,
        draws=table,
        binding=bound,
        quantiles=_quantiles(table),
        binding_probability=_binding_probability(bound, draws),
        sensitivity=_sensitivity(samples, table, names),
    )


def _run_on_dask(
    jobs: list[tuple[int, str]],
    scheduler: str,
    chunk_size: int | None,
    progress: Callable[[int], None] | None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run the draws on Dask: the inventories first, one task each, then the draws.

    Every inventory the draws need (observed years, anchor projections of every year) is
    built once, by one task, in parallel on the workers; each chunk of draws then receives
    the ones it needs as inputs (Dask moves them between workers), so no worker builds an
    inventory another has built.
    """
    from dask.distributed import Client, LocalCluster, as_completed

    from portcap import engine

    cluster = LocalCluster(processes=True, dashboard_address=None) if scheduler == "local" else None
    client = Client(cluster if cluster is not None else scheduler)
    try:
        workers = max(len(client.scheduler_info().get("workers", {})), 1)
        size = chunk_size or max(1, math.ceil(len(jobs) / workers))
        chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
        needs = [_inventory_keys(chunk) for chunk in chunks]
        keys = list(dict.fromkeys(key for need in needs for key in need))
        built = dict(zip(keys, client.map(engine.build_projection, keys, pure=False), strict=True))
        futures = [
            client.submit(_run_chunk, chunk, *(built[key] for key in need), pure=False)
            for chunk, need in zip(chunks, needs, strict=True)
        ]
        rows: list[dict[str, Any]] = []
        binding: list[dict[str, Any]] = []
        done = 0
        for future in as_completed(futures):
            more_rows, more_binding = future.result()
            rows += more_rows
            binding += more_binding
            done += len({r["draw"] for r in more_rows})
            if progress:
                progress(done)
        return rows, binding
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _quantiles(table: pd.DataFrame) -> pd.DataFrame:
    long = table.melt(id_vars=["draw", "year"], var_name="headline", value_name="value")
    grouped = long.groupby(["year", "headline"])["value"]
    return pd.DataFrame(
        {
            "q05": grouped.quantile(0.05),
            "q50": grouped.quantile(0.5),
            "q95": grouped.quantile(0.95),
            "mean": grouped.mean(),
        }
    ).reset_index()


def _binding_probability(bound: pd.DataFrame, draws: int) -> pd.DataFrame:
    columns = ["year", "terminal", "month", "probability"]
    if bound.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    dates = pd.to_datetime(bound["date"], errors="coerce")
    for (year_key, terminal), part in bound.assign(date=dates).groupby(["year", "terminal"]):
        year = int(str(year_key))
        for month in range(1, 13):
            end = pd.Timestamp(year=year, month=month, day=1) + pd.offsets.MonthEnd(0)
            share = float((part["date"] <= end).sum()) / draws
            rows.append({"year": year, "terminal": terminal, "month": month, "probability": share})
    return pd.DataFrame(rows, columns=columns)


def _sensitivity(samples: pd.DataFrame, table: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    columns = ["year", "output", "parameter", "spearman", "rank"]
    if len(samples) < 3:
        return pd.DataFrame(columns=columns)
    rows = []
    for year in sorted(set(table["year"]) & set(MILESTONES)) or [int(table["year"].max())]:
        part = table[table["year"] == year].set_index("draw").reindex(samples["draw"])
        for output in HEADLINES:
            values = part[output].to_numpy(dtype=float)
            scores = []
            for name in names:
                x = samples[name].to_numpy(dtype=float)
                if np.ptp(values) == 0 or np.ptp(x) == 0:
                    rho = 0.0
                else:
                    rho = float(stats.spearmanr(x, values).statistic)
                scores.append((name, rho))
            ranked = sorted(scores, key=lambda item: -abs(item[1]))
            rows += [
                {"year": year, "output": output, "parameter": n, "spearman": r, "rank": i}
                for i, (n, r) in enumerate(ranked, start=1)
            ]
    return pd.DataFrame(rows, columns=columns)
