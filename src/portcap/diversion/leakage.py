r"""Leakage: emissions of the new routing of diverted cargo minus those of the old one.

A TEU turned away at San Pedro Bay and shipped through another gateway changes emissions on
four legs: the ``ocean`` voyage from Asia, the ``port_of_call`` (the ship's approach within
``port_approach_nmi``, maneuvering, anchorage and berth, assist tugs and cargo-handling
equipment), and the landside legs by ``rail`` and ``truck`` to the destination. Each leg is
split into ``regional`` (inside the South Coast Air Basin) and ``elsewhere``. For every
diverted TEU

.. math::

    \Delta E_{l,r,p} = E^{new}_{l,r,p}(o, g, d) - E^{old}_{l,r,p}(o, SPB, d)

by leg :math:`l`, region :math:`r` and pollutant :math:`p`, for origin :math:`o`, gateway
:math:`g` and destination :math:`d`; net worldwide CO2e is the sum over legs and regions.

Leg emissions are activity times an intensity per TEU-distance (:func:`leg_intensities`):

- ocean [g/(TEU nmi)]: a tank-to-wake CO2 intensity (100 g CO2/TEU-nmi, diversion inputs
  §4.1) turned into engine energy with the CO2 factor of a Tier II slow-speed diesel on
  residual fuel, and multiplied by the EPA 2022 factors of every pollutant for residual
  fuel at 0.5 % sulfur outside, and distillate at 0.1 % inside, the Emission Control Area
  (:func:`portcap.sources.ships.emission_factors_g_per_kwh`);
- rail [g/(TEU mi)]: diesel per TEU-mile from the railroads' ton-miles per gallon (CSX 2023:
  506), 10 t of cargo per TEU and an intermodal factor of 1.3, times the EPA 2009
  line-haul locomotive factors (:func:`portcap.sources.rail.emission_factors_g_per_hp_hr`);
- truck [g/(TEU mi)]: the packaged MY2010+ diesel drayage rates
  (:func:`portcap.sources.trucks.running_rate_g_per_mile`) for legs under
  ``drayage_max_miles``, long-haul rates (7.0 mpg, 1.5 g NOx/mi) otherwise, per truck of
  ``teu_per_truck`` TEU;
- port of call [g/TEU]: San Pedro Bay 2023 per TEU from portcap's own inventory
  (``port_of_call.csv``; :func:`port_of_call_from_inventory`), the same times
  ``gateway_port_of_call_ratio`` at other gateways.

Examples
--------
>>> from portcap.diversion import leakage
>>> table = leakage.leg_intensities().set_index(["leg", "regime", "pollutant"])
>>> float(table.loc[("ocean", "open_sea", "co2"), "g_per_teu_distance"])
100.0
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from portcap import factors
from portcap.diversion.parameters import DiversionParameters
from portcap.diversion.routes import landside_legs, ocean_legs
from portcap.diversion.tables import (
    LEAKAGE_POLLUTANTS,
    SAN_PEDRO_BAY_PORTS,
    load_diversion_table,
)
from portcap.sources import rail, ships, trucks
from portcap.units import G_PER_TONNE, SHORT_TONS_PER_TONNE

__all__ = [
    "LEGS",
    "LEAKAGE_POLLUTANTS",
    "REGIONS",
    "LeakageMatrix",
    "leakage_matrix",
    "leakage_table",
    "leg_intensities",
    "port_of_call_from_inventory",
    "routing_emissions",
]

LEGS: tuple[str, ...] = ("ocean", "port_of_call", "rail", "truck")
"""Legs of a routing."""

REGIONS: tuple[str, ...] = ("regional", "elsewhere")
"""``regional``: inside the South Coast Air Basin; ``elsewhere``: everywhere else."""


def port_of_call_from_inventory(year: int = 2023) -> pd.Series:
    """Port-call emissions per TEU of the San Pedro Bay container terminals in a year.

    Parameters
    ----------
    year : int, default 2023
        A year of the packaged San Pedro Bay activity set (2005 or 2023).

    Returns
    -------
    pandas.Series
        Grams per TEU handled [g/TEU], indexed by :data:`LEAKAGE_POLLUTANTS`.

    Notes
    -----
    From :func:`portcap.port_inventory.port_inventory`: the emissions of the container
    terminals from ocean-going vessels (transit within the 40-nmi inventory boundary,
    maneuvering, anchorage, berth), assist tugs and cargo-handling equipment, divided by the
    TEU of both ports. Trucks and rail are legs of their own. ``port_of_call.csv`` holds the
    2023 result; a test recomputes it.
    """
    from portcap.baseline import load_activity_set  # noqa: PLC0415
    from portcap.port_inventory import port_inventory  # noqa: PLC0415

    inventory = port_inventory(year)
    terminals = load_activity_set()["terminals"]
    container = set(terminals.loc[terminals["kind"] == "container", "terminal"])
    table = inventory.emissions
    table = table[table["terminal"].isin(container)]
    keep = (
        table["source"].isin(["ogv", "cargo_handling"])
        | ((table["source"] == "harbor_craft") & (table["mode"] == "assist_tug"))
    ) & table["pollutant"].isin(LEAKAGE_POLLUTANTS)
    activity = inventory.activity
    teu = float(activity.loc[activity["quantity"] == "teu", "value"].sum())
    grams = table[keep].groupby("pollutant")["mass_tonnes"].sum() * G_PER_TONNE / teu
    return grams.reindex(list(LEAKAGE_POLLUTANTS)).fillna(0.0).rename("g_per_teu")


def leg_intensities(parameters: DiversionParameters | None = None) -> pd.DataFrame:
    r"""Emissions per TEU and unit of distance of every leg and regime.

    Parameters
    ----------
    parameters : DiversionParameters, optional
        Intensity parameters; defaults when omitted.

    Returns
    -------
    pandas.DataFrame
        Columns ``leg, regime, pollutant, g_per_teu_distance, distance_unit``. Regimes:
        ocean ``open_sea`` and ``eca`` [g/(TEU nmi)]; rail ``line_haul`` [g/(TEU mi)];
        truck ``drayage`` and ``long_haul`` [g/(TEU mi)]; port_of_call ``san_pedro_bay``
        and ``gateway`` [g/TEU] (distance unit ``teu``).

    Notes
    -----
    Ocean: energy per TEU-nmi :math:`e = I_{CO_2} / EF_{CO_2}^{open}` [kWh/(TEU nmi)], then
    :math:`I_p = e\,EF_p^{regime}`. Rail: fuel per TEU-mile
    :math:`f = m\,k_{st}\,\phi / \eta` [gal/(TEU mi)] with cargo :math:`m` [t], short tons
    per tonne :math:`k_{st}`, intermodal factor :math:`\phi` and ton-miles per gallon
    :math:`\eta`; :math:`I_p = 20.8 f\,EF_p` (bhp-hr/gal x g/bhp-hr). Truck:
    :math:`I_p = R_p / n_{TEU}` with :math:`R_p` the rate per truck-mile.

    Examples
    --------
    >>> table = leg_intensities().set_index(["leg", "regime", "pollutant"])
    >>> round(float(table.loc[("ocean", "open_sea", "nox"), "g_per_teu_distance"]), 2)
    2.52
    >>> round(float(table.loc[("rail", "line_haul", "co2"), "g_per_teu_distance"]), 1)
    289.2
    """
    parameters = parameters or DiversionParameters()
    pollutants = list(LEAKAGE_POLLUTANTS)
    frames = [
        _ocean_intensities(parameters, pollutants),
        _rail_intensities(parameters, pollutants),
        _truck_intensities(parameters, pollutants),
        _port_of_call_intensities(parameters, pollutants),
    ]
    return pd.concat(frames, ignore_index=True)


def _ocean_intensities(parameters: DiversionParameters, pollutants: list[str]) -> pd.DataFrame:
    keys = pd.DataFrame(
        {
            "engine": ["propulsion", "propulsion"],
            "engine_type": ["SSD", "SSD"],
            "fuel": ["hfo", "mgo"],
            "tier": [parameters.ship_nox_tier] * 2,
            "sulfur_pct_mass": [
                parameters.ocean_open_sea_sulfur_pct_mass,
                parameters.ocean_eca_sulfur_pct_mass,
            ],
        },
        index=pd.Index(["open_sea", "eca"], name="regime"),
    )
    ef = ships.emission_factors_g_per_kwh(keys, gwp_set=parameters.gwp_set)
    energy_kwh_per_teu_nmi = parameters.ocean_co2_g_per_teu_nmi / _scalar(ef.loc["open_sea", "co2"])
    values = ef[pollutants] * energy_kwh_per_teu_nmi
    return _long(values, "ocean", "nmi")


def _rail_intensities(parameters: DiversionParameters, pollutants: list[str]) -> pd.DataFrame:
    gal_per_teu_mile = (
        parameters.cargo_tonnes_per_teu
        * SHORT_TONS_PER_TONNE
        * parameters.rail_intermodal_factor
        / parameters.rail_ton_miles_per_gal
    )
    work = float(rail.work_hp_hr(gal_per_teu_mile, "line_haul"))
    ef = rail.emission_factors_g_per_hp_hr(
        "line_haul",
        parameters.locomotive_tier,
        fuel_sulfur_ppm=parameters.diesel_sulfur_ppm,
        gwp_set=parameters.gwp_set,
    )
    values = (ef[pollutants] * work).set_axis(pd.Index(["line_haul"], name="regime"))
    return _long(values, "rail", "mile")


def _truck_intensities(parameters: DiversionParameters, pollutants: list[str]) -> pd.DataFrame:
    every = ["nox", "pm10", "pm25", "dpm", "sox", "co2", "ch4", "n2o", "co2e"]
    rates = trucks.running_rate_g_per_mile(
        every,
        "2010_plus",
        "diesel",
        fuel_sulfur_ppm=parameters.diesel_sulfur_ppm,
        gwp_set=parameters.gwp_set,
    )
    drayage = dict(zip(every, np.asarray(rates, dtype=float).tolist(), strict=True))
    properties = factors.load_table("truck_fuel_properties").set_index("fuel")
    co2_per_g_fuel = _scalar(properties.loc["diesel", "co2_g_per_g_fuel"])
    density = rail.locomotive_parameter("diesel_density_g_per_gal")
    gwp = factors.gwp_table(parameters.gwp_set).set_index("pollutant")["gwp_kg_co2e_per_kg"]
    co2 = co2_per_g_fuel * density / parameters.truck_long_haul_mpg
    long_haul = {
        **drayage,
        "co2": co2,
        "sox": _scalar(
            trucks.so2_from_fuel_sulfur(co2, co2_per_g_fuel, parameters.diesel_sulfur_ppm)
        ),
        "nox": parameters.truck_long_haul_nox_g_per_mile,
        "co2e": co2 + _scalar(gwp["ch4"]) * drayage["ch4"] + _scalar(gwp["n2o"]) * drayage["n2o"],
    }
    values = pd.DataFrame(
        [
            [drayage[p] / parameters.teu_per_truck for p in pollutants],
            [long_haul[p] / parameters.teu_per_truck for p in pollutants],
        ],
        index=pd.Index(["drayage", "long_haul"], name="regime"),
        columns=pollutants,
    )
    return _long(values, "truck", "mile")


def _scalar(value: object) -> float:
    return float(np.asarray(value, dtype=float))


def _port_of_call_intensities(
    parameters: DiversionParameters, pollutants: list[str]
) -> pd.DataFrame:
    reference = (
        load_diversion_table("port_of_call").set_index("pollutant")["g_per_teu"].reindex(pollutants)
    )
    given = parameters.san_pedro_bay_port_of_call_g_per_teu
    spb = reference if given is None else pd.Series({p: given[p] for p in pollutants})
    values = pd.DataFrame(
        [spb, reference * parameters.gateway_port_of_call_ratio],
        index=pd.Index(["san_pedro_bay", "gateway"], name="regime"),
    )
    return _long(values, "port_of_call", "teu")


def _long(values: pd.DataFrame, leg: str, unit: str) -> pd.DataFrame:
    table = (
        values.rename_axis(index="regime", columns="pollutant")
        .reset_index()
        .melt(id_vars="regime", var_name="pollutant", value_name="g_per_teu_distance")
    )
    table.insert(0, "leg", leg)
    table["distance_unit"] = unit
    return table[["leg", "regime", "pollutant", "g_per_teu_distance", "distance_unit"]]


def routing_emissions(parameters: DiversionParameters | None = None) -> pd.DataFrame:
    r"""Emissions per TEU of every routing origin -> port -> destination, by leg and region.

    Parameters
    ----------
    parameters : DiversionParameters, optional
        Route and intensity parameters; defaults when omitted.

    Returns
    -------
    pandas.DataFrame
        Columns ``origin, port, destination, leg, region, pollutant, g_per_teu`` for every
        origin, port (San Pedro Bay ports and gateways) and destination zone.

    Notes
    -----
    Activity per TEU of a routing:

    - ocean: :math:`D - a` nmi elsewhere (sea distance less the approach :math:`a` counted
      in the port call), of which :math:`\min(\max(D_{ECA} - a_{ECA}, 0), D - a)` at ECA
      intensities (:math:`a_{ECA} = a` for US and Canadian ports, else 0) and the rest at
      open-sea intensities;
    - port_of_call: one call-TEU, regional at San Pedro Bay, elsewhere at a gateway;
    - landside: the leg's route miles by its mode (rail or truck; truck legs shorter than
      ``drayage_max_miles`` at drayage rates), regional for the miles inside the basin;
    - transload (inland zones only): ``transload_dray_miles`` by drayage truck for the
      zone's transload share, regional at San Pedro Bay, elsewhere at a gateway.

    Truck miles inside the basin are scaled by ``1 - regional_zero_emission_truck_share``.

    Examples
    --------
    >>> table = routing_emissions()
    >>> spb = table.query("origin == 'CNSHA' and port == 'POLA' and destination == 'chicago'")
    >>> sorted(set(zip(spb["leg"], spb["region"])))  # doctest: +NORMALIZE_WHITESPACE
    [('ocean', 'elsewhere'), ('port_of_call', 'regional'), ('rail', 'elsewhere'),
     ('rail', 'regional'), ('truck', 'regional')]
    """
    parameters = parameters or DiversionParameters()
    activity = _routing_activity(parameters)
    intensities = leg_intensities(parameters)
    merged = activity.merge(intensities, on=["leg", "regime"], how="left", validate="m:m")
    merged["g_per_teu"] = merged["amount"] * merged["factor"] * merged["g_per_teu_distance"]
    keys = ["origin", "port", "destination", "leg", "region", "pollutant"]
    return merged.groupby(keys, sort=False)[["g_per_teu"]].sum().reset_index()


def _routing_activity(parameters: DiversionParameters) -> pd.DataFrame:
    ocean = ocean_legs(parameters)
    land = landside_legs(parameters)
    in_spb = ocean["port"].isin(SAN_PEDRO_BAY_PORTS).to_numpy()

    approach = parameters.port_approach_nmi
    at_sea = np.maximum(ocean["distance_nmi"].to_numpy() - approach, 0.0)
    eca_approach = np.where(ocean["port_in_eca"].to_numpy(), approach, 0.0)
    eca = np.clip(ocean["eca_nmi"].to_numpy() - eca_approach, 0.0, at_sea)
    sea_rows = pd.concat(
        [
            _activity(ocean, "ocean", "open_sea", "elsewhere", at_sea - eca),
            _activity(ocean, "ocean", "eca", "elsewhere", eca),
            _activity(
                ocean,
                "port_of_call",
                np.where(in_spb, "san_pedro_bay", "gateway"),
                np.where(in_spb, "regional", "elsewhere"),
                np.ones(len(ocean)),
            ),
        ],
        ignore_index=True,
    )

    truck = land["mode"].to_numpy() == "truck"
    truck_regime = np.where(
        land["distance_miles"].to_numpy() < parameters.drayage_max_miles, "drayage", "long_haul"
    )
    regime = np.where(truck, truck_regime, "line_haul")
    regional = land["regional_miles"].to_numpy()
    elsewhere = land["distance_miles"].to_numpy() - regional
    clean = 1.0 - parameters.regional_zero_emission_truck_share
    land_spb = land["port"].isin(SAN_PEDRO_BAY_PORTS).to_numpy()
    transload = land["transload_share"].to_numpy() * parameters.transload_dray_miles
    land_rows = pd.concat(
        [
            _activity(
                land,
                land["mode"].to_numpy(),
                regime,
                "regional",
                regional,
                np.where(truck, clean, 1.0),
            ),
            _activity(land, land["mode"].to_numpy(), regime, "elsewhere", elsewhere),
            _activity(
                land,
                "truck",
                "drayage",
                np.where(land_spb, "regional", "elsewhere"),
                transload,
                np.where(land_spb, clean, 1.0),
            ),
        ],
        ignore_index=True,
    )
    land_rows = land_rows[land_rows["amount"] > 0]
    sea_rows = sea_rows[sea_rows["amount"] > 0]
    zones = land[["port", "destination"]].drop_duplicates()
    origins_ = ocean[["origin", "port"]].drop_duplicates()
    return pd.concat(
        [
            sea_rows.merge(zones, on="port", how="inner", validate="m:m"),
            land_rows.merge(origins_, on="port", how="inner", validate="m:m"),
        ],
        ignore_index=True,
    )


def _activity(
    table: pd.DataFrame,
    leg: Any,
    regime: Any,
    region: Any,
    amount: np.ndarray,
    factor: Any = 1.0,
) -> pd.DataFrame:
    keys = [c for c in ("origin", "port", "destination") if c in table.columns]
    frame = table[keys].copy()
    frame["leg"] = leg
    frame["regime"] = regime
    frame["region"] = region
    frame["amount"] = amount
    frame["factor"] = factor
    return frame


def leakage_table(
    flows: pd.DataFrame, parameters: DiversionParameters | None = None
) -> pd.DataFrame:
    r"""Change of emissions from diverting cargo, by leg, region and pollutant.

    Parameters
    ----------
    flows : pandas.DataFrame
        Diverted TEU with columns ``year, terminal, port`` (``POLA`` | ``POLB``, the San
        Pedro Bay port the cargo would have used), ``origin, gateway, destination, teu``.
        Rows with gateway ``unserved`` are ignored.
    parameters : DiversionParameters, optional
        Route and intensity parameters; defaults when omitted.

    Returns
    -------
    pandas.DataFrame
        Columns ``year, terminal, gateway, destination, leg, region, pollutant,
        change_tonnes`` (new routing minus old, summed over origins) [t], and the two
        parts ``new_tonnes`` and ``old_tonnes``; rows whose change is exactly zero are
        left out. A capped inventory already removes the old routing inside the basin,
        so the engine adds only ``new_tonnes`` of the regional legs to it.

    Notes
    -----
    .. math:: \Delta m = \frac{T}{10^6} \left(e^{new}_{o,g,d} - e^{old}_{o,SPB,d}\right)

    with :math:`T` the TEU and :math:`e` the grams per TEU of :func:`routing_emissions`.

    Examples
    --------
    >>> flows = pd.DataFrame({"year": [2031], "terminal": ["T"], "port": ["POLA"],
    ...     "origin": ["CNSHA"], "gateway": ["POLA"], "destination": ["chicago"],
    ...     "teu": [1000.0]})
    >>> leakage_table(flows).empty  # the same routing: no change
    True
    """
    return leakage_matrix(flows, parameters).table()


_MATRIX_KEYS = ("year", "terminal", "gateway", "destination")


@dataclass(frozen=True)
class LeakageMatrix:
    """Emissions of the new and the old routings of diverted cargo, as matrices.

    The wide form of :func:`leakage_table`: one row per year, terminal, gateway and
    destination (sorted), one column per leg, region and pollutant (sorted). Callers that
    only sum the leakage (the engine, every draw of an ensemble) read it without making
    the long table.

    Attributes
    ----------
    keys : pandas.DataFrame
        ``year, terminal, gateway, destination`` of each row.
    columns : pandas.MultiIndex
        ``leg, region, pollutant`` of each column.
    new_tonnes, old_tonnes : numpy.ndarray
        Emissions of the new routing and of the old (San Pedro Bay) routing [t], shape
        (rows, columns).
    """

    keys: pd.DataFrame
    columns: pd.MultiIndex
    new_tonnes: npt.NDArray[np.float64]
    old_tonnes: npt.NDArray[np.float64]

    @property
    def change_tonnes(self) -> npt.NDArray[np.float64]:
        """New minus old routing [t], shape (rows, columns)."""
        return np.asarray(self.new_tonnes - self.old_tonnes, dtype=float)

    def table(self) -> pd.DataFrame:
        """Return the long table of :func:`leakage_table` (exact zero changes left out)."""
        columns = [*_MATRIX_KEYS, "leg", "region", "pollutant", "change_tonnes"]
        if not len(self.keys):
            return pd.DataFrame(
                {c: pd.Series(dtype=_dtype(c)) for c in (*columns, "new_tonnes", "old_tonnes")}
            )
        n_groups, n_columns = self.new_tonnes.shape
        change = self.change_tonnes.ravel()
        kept = np.flatnonzero(change != 0.0)
        group_keys = self.keys.iloc[kept // n_columns].reset_index(drop=True)
        column_keys = self.columns.to_frame(index=False).iloc[kept % n_columns]
        long = pd.concat([group_keys, column_keys.reset_index(drop=True)], axis=1)
        long["change_tonnes"] = change[kept]
        long["new_tonnes"] = self.new_tonnes.ravel()[kept]
        long["old_tonnes"] = self.old_tonnes.ravel()[kept]
        return long[[*columns, "new_tonnes", "old_tonnes"]]


def leakage_matrix(
    flows: pd.DataFrame, parameters: DiversionParameters | None = None
) -> LeakageMatrix:
    """Return the emissions of the new and old routings of diverted cargo, as matrices.

    Parameters
    ----------
    flows : pandas.DataFrame
        As for :func:`leakage_table`.
    parameters : DiversionParameters, optional
        Route and intensity parameters; defaults when omitted.

    Returns
    -------
    LeakageMatrix
        Summed over origins; no rows when nothing is diverted.

    Raises
    ------
    ValueError
        If a flow names an origin, port, gateway or destination without a route.
    """
    parameters = parameters or DiversionParameters()
    routes, route_columns, matrix = _routing_matrix(parameters.model_dump_json())
    diverted = flows[(flows["gateway"] != "unserved") & (flows["teu"] != 0)]
    if diverted.empty:
        nothing = np.zeros((0, len(route_columns)))
        return LeakageMatrix(
            pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in _MATRIX_KEYS}),
            route_columns,
            nothing,
            nothing.copy(),
        )
    new_index = routes.get_indexer(
        pd.MultiIndex.from_frame(diverted[["origin", "gateway", "destination"]])
    )
    old_index = routes.get_indexer(
        pd.MultiIndex.from_frame(diverted[["origin", "port", "destination"]])
    )
    if (new_index < 0).any() or (old_index < 0).any():
        raise ValueError("flows name an origin, port, gateway or destination without a route")
    teu = diverted["teu"].to_numpy(dtype=float)[:, None]
    grouped = (
        diverted[list(_MATRIX_KEYS)].reset_index(drop=True).groupby(list(_MATRIX_KEYS), sort=True)
    )
    codes = grouped.ngroup().to_numpy()
    keys = grouped.size().index.to_frame(index=False)
    parts: list[npt.NDArray[np.float64]] = []
    for index in (new_index, old_index):
        # summed over origins as a groupby of the keys would (compensated, in row order)
        summed = pd.DataFrame(teu * matrix[index] / G_PER_TONNE).groupby(codes, sort=True).sum()
        parts.append(summed.to_numpy(dtype=float))
    return LeakageMatrix(keys, route_columns, parts[0], parts[1])


@functools.lru_cache(maxsize=16)
def _routing_matrix(parameters_json: str) -> tuple[pd.MultiIndex, pd.MultiIndex, np.ndarray]:
    """Return the grams per TEU of every routing as a matrix (cached; read-only).

    Rows ``(origin, port, destination)``, columns ``(leg, region, pollutant)``, from
    :func:`routing_emissions`; cached by the parameters' content, so the draws of an
    ensemble with the same diversion parameters share it.
    """
    per_teu = routing_emissions(DiversionParameters.model_validate_json(parameters_json))
    wide = per_teu.pivot_table(
        index=["origin", "port", "destination"],
        columns=["leg", "region", "pollutant"],
        values="g_per_teu",
        aggfunc="sum",
        fill_value=0.0,
    )
    matrix = wide.to_numpy()
    matrix.setflags(write=False)
    assert isinstance(wide.index, pd.MultiIndex)
    assert isinstance(wide.columns, pd.MultiIndex)
    return wide.index, wide.columns, matrix


def _dtype(column: str) -> str:
    floats = ("change_tonnes", "new_tonnes", "old_tonnes")
    return "float64" if column in floats else {"year": "int64"}.get(column, "str")
