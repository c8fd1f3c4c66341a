"""Ensembles: sampling, scenario paths, growth interpolation, same results however run."""

from __future__ import annotations

import json
import pickle
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from portcap import engine, ensemble, forecast
from portcap.baseline import ActivitySet, load_activity_set
from portcap.diversion import leakage as leakage_module
from portcap.diversion import model as diversion_model
from portcap.ensemble import Distribution, Uncertainty
from portcap.policy import technology
from portcap.port_inventory import port_inventory
from portcap.scenario import ScenarioError, load_scenario

SHORT = """extends: pr2304-cap
start_year: 2031
end_year: 2031
uncertainty:
  parameters:
    forecast.teu_growth_per_year: {dist: uniform, low: 0.0, high: 0.03, source: test range}
    caps.0.pct_below: {dist: uniform, low: 40, high: 60, source: test range}
"""


def test_distributions_map_quantiles_to_values() -> None:
    u = np.array([0.05, 0.5, 0.95])
    normal = Distribution(dist="normal", mean=10, sd=2, source="t").ppf(u)
    assert normal == pytest.approx([10 - 1.6449 * 2, 10, 10 + 1.6449 * 2], abs=1e-3)
    lognormal = Distribution(dist="lognormal", median=1, sigma=0.5, source="t").ppf(u)
    assert lognormal[1] == pytest.approx(1.0)
    triangle = Distribution(dist="triangular", low=0, mode=0, high=1, source="t")
    # F(x) = 1 - (1 - x)^2 for a right-angled triangle: median 1 - sqrt(0.5)
    assert triangle.ppf(np.array([0.5]))[0] == pytest.approx(1 - np.sqrt(0.5))
    choice = Distribution(dist="choice", values=(1, 2, 3), weights=(0.2, 0.5, 0.3), source="t")
    assert choice.ppf(np.array([0.1, 0.6, 0.9])).tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"dist": "normal", "mean": 1, "source": "t"}, "needs mean, sd"),
        ({"dist": "triangular", "low": 2, "mode": 1, "high": 3, "source": "t"}, "low <= mode"),
        ({"dist": "choice", "values": (1, 2), "weights": (0.5, 0.6), "source": "t"}, "sum to 1"),
    ],
)
def test_bad_distributions_are_refused(spec: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Distribution.model_validate(spec)


def test_sample_is_a_latin_hypercube_and_follows_the_seed() -> None:
    uncertainty = Uncertainty(
        parameters={
            "a.x": Distribution(dist="uniform", low=0, high=1, source="t"),
            "a.y": Distribution(dist="uniform", low=0, high=1, source="t"),
        }
    )
    first = ensemble.sample(uncertainty, 20, seed=7)
    again = ensemble.sample(uncertainty, 20, seed=7)
    other = ensemble.sample(uncertainty, 20, seed=8)
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)
    for column in ("a.x", "a.y"):  # one draw in each twentieth of the range
        assert sorted((first[column] * 20).astype(int)) == list(range(20))


def test_correlated_draws_keep_their_correlation() -> None:
    uncertainty = Uncertainty(
        parameters={
            "a.x": Distribution(dist="normal", mean=0, sd=1, source="t"),
            "a.y": Distribution(dist="normal", mean=0, sd=1, source="t"),
        },
        correlations=(("a.x", "a.y", 0.8),),
    )
    table = ensemble.sample(uncertainty, 2000, seed=1)
    assert np.corrcoef(table["a.x"], table["a.y"])[0, 1] == pytest.approx(0.8, abs=0.03)
    with pytest.raises(ValueError, match="without a distribution"):
        Uncertainty(parameters=uncertainty.parameters, correlations=(("a.x", "b", 0.5),))


def test_quantiles_converge_on_a_known_answer() -> None:
    # the median of a uniform(0, 1) sample tends to 0.5; the LHS error shrinks with N
    uncertainty = Uncertainty(
        parameters={"a.x": Distribution(dist="uniform", low=0, high=1, source="t")}
    )
    errors = [
        abs(float(ensemble.sample(uncertainty, n, seed=3)["a.x"].quantile(0.95)) - 0.95)
        for n in (10, 100, 1000)
    ]
    assert errors[2] < errors[0]
    assert errors[2] < 2e-3


def test_growth_interpolation_equals_a_direct_projection() -> None:
    activity = load_activity_set()
    parameters = forecast.ForecastParameters(teu_growth_per_year=0.007)
    interpolated = engine._projected_emissions(activity, 2031, 2023, parameters)
    direct = port_inventory(
        2031, activity_set=forecast.project_activity(activity, 2031, parameters, base_year=2023)
    ).emissions
    keys = [c for c in direct.columns if c != "mass_tonnes"]
    merged = direct.merge(interpolated, on=keys, suffixes=("_direct", "_interpolated"))
    assert len(merged) == len(direct)
    assert merged["mass_tonnes_interpolated"].to_numpy() == pytest.approx(
        merged["mass_tonnes_direct"].to_numpy(), rel=1e-9, abs=1e-9
    )


def test_uncertainty_paths_are_checked_when_the_scenario_loads(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "extends: pr2304-cap\nuncertainty:\n  parameters:\n"
        "    forecast.teu_grouth: {dist: uniform, low: 0, high: 1, source: t}\n"
    )
    with pytest.raises(
        ScenarioError, match="line 4: uncertainty.parameters: 'forecast.teu_grouth'"
    ):
        load_scenario(path)
    assert load_scenario("pr2304-cap-uncertain").uncertainty["parameters"]


@pytest.fixture(scope="module")
def short(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ens") / "short.yaml"
    path.write_text(SHORT, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def in_process(short: Path) -> ensemble.EnsembleResult:
    return ensemble.run_ensemble(str(short), draws=4, seed=11)


def test_ensemble_outputs(in_process: ensemble.EnsembleResult) -> None:
    assert list(in_process.draws["draw"]) == [0, 1, 2, 3]
    assert set(in_process.quantiles["headline"]) == set(ensemble.HEADLINES)
    q = in_process.quantiles.set_index("headline")
    assert (q["q05"] <= q["q50"]).all()
    assert (q["q50"] <= q["q95"]).all()
    probability = in_process.binding_probability
    assert probability["probability"].between(0, 1).all()
    # cumulative by month: never falls
    for _key, part in probability.groupby(["year", "terminal"]):
        assert part.sort_values("month")["probability"].is_monotonic_increasing
    top = in_process.sensitivity.query("output == 'teu_turned_away' and rank == 1")
    assert top["parameter"].iloc[0] in {"caps.0.pct_below", "forecast.teu_growth_per_year"}


def test_same_seed_same_results_on_a_dask_cluster_and_any_chunking(
    short: Path, in_process: ensemble.EnsembleResult
) -> None:
    from dask.distributed import Client, LocalCluster

    with warnings.catch_warnings():
        # distributed warns about ports and event loops on some machines; not our concern
        warnings.simplefilter("ignore")
        with LocalCluster(n_workers=2, processes=True, dashboard_address=None) as cluster:
            address = cluster.scheduler_address
            one = ensemble.run_ensemble(
                str(short), draws=4, seed=11, scheduler=address, chunk_size=1
            )
            two = ensemble.run_ensemble(
                str(short), draws=4, seed=11, scheduler=address, chunk_size=3
            )
            with Client(address) as client:
                assert len(client.scheduler_info()["workers"]) == 2
    for result in (one, two):
        pd.testing.assert_frame_equal(
            result.draws.reset_index(drop=True), in_process.draws.reset_index(drop=True)
        )
        pd.testing.assert_frame_equal(result.binding, in_process.binding)


# --------------------------------------------------------------------------------------
# Caches of the fast inner loop: keyed by content, equal to a fresh computation
# --------------------------------------------------------------------------------------
@pytest.fixture
def isolated_cache() -> Iterator[None]:
    """Let a test empty the process caches; give the other tests theirs back afterwards."""
    saved = dict(engine._PROJECTION_CACHE)
    yield
    engine._PROJECTION_CACHE.clear()
    engine._PROJECTION_CACHE.update(saved)


def _clear_caches() -> None:
    engine._PROJECTION_CACHE.clear()
    technology._priced_measures.cache_clear()
    diversion_model._choice.cache_clear()
    leakage_module._routing_matrix.cache_clear()


def _same_results(first: engine.Results, second: engine.Results) -> None:
    assert json.dumps(first.summary, sort_keys=True) == json.dumps(second.summary, sort_keys=True)
    for name in ("emissions", "baseline_emissions", "terminals", "diversion", "measures", "caps"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name), obj=name)


def test_cache_keys_follow_the_content_of_the_activity_set() -> None:
    activity = load_activity_set()
    copied = ActivitySet(activity.path, {k: v.copy() for k, v in activity.tables.items()})
    # another object, or the same set in another process: the same key, the cache is shared
    elsewhere = pickle.loads(pickle.dumps(activity))
    key = engine._activity_key(activity)
    assert engine._activity_key(copied) == key
    assert engine._activity_key(elsewhere) == key
    # the same folder with other content: another key, never the cached inventories
    tables = {k: v.copy() for k, v in activity.tables.items()}
    calls = tables["vessel_calls"]
    calls["calls"] = calls["calls"] * 1.5
    busier = ActivitySet(activity.path, tables)
    assert engine._activity_key(busier) != key
    default = forecast.ForecastParameters()
    base = engine._projected_emissions(activity, 2031, 2023, default)
    more = engine._projected_emissions(busier, 2031, 2023, default)
    fresh = port_inventory(
        2031, activity_set=forecast.project_activity(busier, 2031, default, base_year=2023)
    ).emissions
    pd.testing.assert_frame_equal(more, fresh)
    assert more["mass_tonnes"].sum() > base["mass_tonnes"].sum()


def test_a_cache_hit_equals_a_fresh_computation(short: Path, isolated_cache: None) -> None:
    scenario = load_scenario(short)
    first = ensemble.apply_draw(scenario, {"forecast.teu_growth_per_year": 0.011})
    engine.run(first)  # fills the caches: inventories, plans, options, diversion tables
    # the same rows, other parameters of every cached stage
    second = ensemble.apply_draw(
        scenario,
        {
            "forecast.teu_growth_per_year": 0.024,
            "technology.capital_cost_scale": 1.6,
            "technology.availability_scale": 0.7,
            "diversion.spare_capacity_share": 0.3,
            "diversion.beta_cost_per_usd": -0.0012,
            "caps.1.pct_below": 42.0,
        },
    )
    cached = engine.run(second)
    _clear_caches()
    fresh = engine.run(second)
    _same_results(cached, fresh)
    (year_first,) = engine.run(first).summary["years"]  # type: ignore[attr-defined]
    (year_second,) = cached.summary["years"]  # type: ignore[attr-defined]
    for figure in ("compliance_cost_usd", "teu_unserved", "teu_demand"):
        assert year_first[figure] != year_second[figure], figure


def test_inventories_built_elsewhere_are_used_as_they_are(
    short: Path, isolated_cache: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = ensemble.apply_draw(
        load_scenario(short), {"forecast.teu_growth_per_year": 0.005, "caps.0.pct_below": 45.0}
    )
    first = engine.run(scenario)
    keys = engine.projection_keys(scenario)
    # the base year (the caps' reference) and two anchor projections of 2031
    assert [k[0] for k in keys] == ["reference", "projection", "projection"]
    shipped = pickle.loads(pickle.dumps(engine.export_projections(keys)))  # as Dask moves them
    assert set(shipped) == set(keys)
    _clear_caches()
    assert engine.import_projections(shipped) == len(keys)

    def recomputed(*args: object, **kwargs: object) -> None:
        raise AssertionError("an inventory was computed again")

    monkeypatch.setattr(engine, "port_inventory", recomputed)
    _same_results(engine.run(scenario), first)


def test_inventory_keys_are_checked() -> None:
    activity = load_activity_set()
    key = engine.projection_keys(load_scenario("pr2304-cap"), activity)[0]
    other = (key[0], "0" * 32, *key[2:])
    with pytest.raises(ValueError, match="another activity set"):
        engine.build_projection(other, activity)
    with pytest.raises(ValueError, match="not an inventory"):
        engine.import_projections({("options", "x"): pd.DataFrame()})
