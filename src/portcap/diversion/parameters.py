"""Parameters of the diversion model, with sourced defaults from ``parameters.csv``.

Every numeric default of :class:`DiversionParameters` is read from the packaged table
``portcap/data/diversion/parameters.csv`` (parameter set ``default``), where each value has
its ``source_id`` and the derivation or range in ``source_locator``. Named alternative sets
in the same table (for example ``leachman2008_puget``: the port-choice sensitivity of
discretionary Puget Sound cargo) override some defaults; pick one with
:meth:`DiversionParameters.from_set`.

Examples
--------
>>> from portcap.diversion import DiversionParameters
>>> p = DiversionParameters()
>>> p.rail_circuity, p.value_of_time_usd_per_teu_day
(1.27, 37.33)
>>> DiversionParameters.from_set("leachman2008_puget").beta_cost_per_usd
-0.013
>>> DiversionParameters(rail_circuity=0.5)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
pydantic_core._pydantic_core.ValidationError: 1 validation error for DiversionParameters
rail_circuity
  Input should be greater than or equal to 1 ...
"""

from __future__ import annotations

import functools
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from portcap import factors
from portcap.diversion.tables import load_diversion_table

__all__ = ["DEFAULT_SET", "DiversionParameters", "parameter_sets"]

DEFAULT_SET = "default"
"""Name of the parameter set holding every default."""


@functools.cache
def _set_values(name: str) -> dict[str, float]:
    table = load_diversion_table("parameters")
    rows = table[table["parameter_set"] == name]
    return dict(zip(rows["parameter"], rows["value"].astype(float), strict=True))


def parameter_sets() -> tuple[str, ...]:
    """Names of the parameter sets of ``parameters.csv``.

    Returns
    -------
    tuple of str
        ``'default'`` first, then the named alternative sets.

    Examples
    --------
    >>> parameter_sets()
    ('default', 'leachman2008_puget', 'hummels_schaur2013')
    """
    names = load_diversion_table("parameters")["parameter_set"]
    return tuple(dict.fromkeys(names))


def _default(name: str) -> float:
    return _set_values(DEFAULT_SET)[name]


def _from_csv(name: str, description: str, **constraints: Any) -> Any:
    return Field(
        default_factory=functools.partial(_default, name),
        description=description,
        **constraints,
    )


class DiversionParameters(BaseModel):
    """Parameters of port choice, capacity, routes and leg emissions for diverted cargo.

    Numeric defaults come from ``parameters.csv`` (set ``default``) with their sources;
    see ``docs/methodology/diversion.md`` for the reasoning and ranges.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    # ---- port choice -------------------------------------------------------------------
    beta_cost_per_usd: float = _from_csv(
        "beta_cost_per_usd",
        "Utility per dollar of generalized cost per TEU [1/(USD/TEU)], < 0; calibrated to "
        "Leachman (2005): San Pedro Bay loses 4 % of its TEU at +$100/TEU.",
        lt=0.0,
    )
    size_coefficient: float = _from_csv(
        "size_coefficient",
        "Coefficient of ln(loaded import TEU per month) of a port in the utility [-].",
        ge=0.0,
        le=2.0,
    )
    value_of_time_usd_per_teu_day: float = _from_csv(
        "value_of_time_usd_per_teu_day",
        "Value of a day of transit time of a loaded TEU [USD/(TEU d)].",
        ge=0.0,
    )
    ocean_cost_usd_per_teu_nmi: float = _from_csv(
        "ocean_cost_usd_per_teu_nmi",
        "Marginal ocean freight per TEU and nautical mile [USD/(TEU nmi)].",
        ge=0.0,
    )
    ocean_speed_kn: float = _from_csv(
        "ocean_speed_kn", "Service speed of the ocean voyage [kn].", gt=5.0, le=30.0
    )
    rail_cost_usd_per_teu_mile: float = _from_csv(
        "rail_cost_usd_per_teu_mile",
        "Intermodal rail cost per TEU and rail mile [USD/(TEU mi)].",
        ge=0.0,
    )
    truck_cost_usd_per_teu_mile: float = _from_csv(
        "truck_cost_usd_per_teu_mile",
        "Truck cost per TEU and road mile [USD/(TEU mi)].",
        ge=0.0,
    )
    truck_miles_per_day: float = _from_csv(
        "truck_miles_per_day", "Road miles a truck covers a day [mi/d].", gt=0.0
    )
    rail_terminal_days: float = _from_csv(
        "rail_terminal_days", "Days at the two rail terminals of an intermodal move [d].", ge=0.0
    )
    harbor_maintenance_fee_usd_per_teu: float = _from_csv(
        "harbor_maintenance_fee_usd_per_teu",
        "US Harbor Maintenance Fee per loaded TEU at US ports [USD/TEU].",
        ge=0.0,
    )
    # ---- routes ------------------------------------------------------------------------
    rail_circuity: float = _from_csv(
        "rail_circuity", "Rail route miles over great-circle miles [-].", ge=1.0, le=2.0
    )
    road_circuity: float = _from_csv(
        "road_circuity", "Road miles over great-circle miles [-].", ge=1.0, le=2.0
    )
    rail_circuity_by_gateway: dict[str, float] = Field(
        default_factory=dict,
        description="Rail circuity of particular ports, by code, replacing rail_circuity "
        "(e.g. {'CAPRR': 1.42} gives Prince Rupert-Chicago about 3,000 mi) [-].",
    )
    rail_min_miles: float = _from_csv(
        "rail_min_miles",
        "Shortest rail route [mi] on which intermodal rail is used; shorter legs go by truck.",
        ge=0.0,
    )
    panama_open: bool = Field(
        default=True,
        description="Whether ships may use the Panama Canal (False: Suez or Cape Horn routes).",
    )
    # ---- capacity ----------------------------------------------------------------------
    capacity_basis: Literal["demonstrated", "stated"] = Field(
        default="demonstrated",
        description="Spare-capacity proxy: 'demonstrated' (peak before 2023 minus 2023) or "
        "'stated' (stated capacity minus throughput); the other where one is missing "
        "(diversion inputs §1.3, assumption 16).",
    )
    spare_capacity_share: float = _from_csv(
        "spare_capacity_share",
        "Share of each gateway's spare capacity that diverted cargo may use [-].",
        ge=0.0,
        le=1.0,
    )
    # ---- markets -----------------------------------------------------------------------
    local_share: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="Share of TEU for the local Southern California market [-]; None keeps "
        "destinations.csv (0.25).",
    )
    transload_share: float = _from_csv(
        "transload_share",
        "Share of all TEU transloaded near the port before moving inland [-].",
        ge=0.0,
        le=1.0,
    )
    transload_dray_miles: float = _from_csv(
        "transload_dray_miles",
        "Truck miles from the port to a transload warehouse, at any port [mi].",
        ge=0.0,
    )
    # ---- regions -----------------------------------------------------------------------
    port_approach_nmi: float = _from_csv(
        "port_approach_nmi",
        "Last nautical miles of a voyage counted in the port call [nmi].",
        ge=0.0,
        le=200.0,
    )
    rail_regional_miles: float = _from_csv(
        "rail_regional_miles",
        "Rail miles from San Pedro Bay to the South Coast Air Basin boundary [mi].",
        ge=0.0,
    )
    basin_entry_miles: float = _from_csv(
        "basin_entry_miles",
        "Miles inside the South Coast Air Basin of a landside leg coming from outside [mi].",
        ge=0.0,
    )
    drayage_max_miles: float = _from_csv(
        "drayage_max_miles",
        "Truck legs shorter than this use drayage-duty rates, longer ones long-haul [mi].",
        ge=0.0,
    )
    # ---- emission intensities ----------------------------------------------------------
    ocean_co2_g_per_teu_nmi: float = _from_csv(
        "ocean_co2_g_per_teu_nmi",
        "Tank-to-wake CO2 of a container ship on open sea per TEU-nmi [g/(TEU nmi)].",
        gt=0.0,
    )
    ocean_open_sea_sulfur_pct_mass: float = _from_csv(
        "ocean_open_sea_sulfur_pct_mass",
        "Sulfur content of ship fuel outside Emission Control Areas [% m/m].",
        ge=0.0,
        le=5.0,
    )
    ocean_eca_sulfur_pct_mass: float = _from_csv(
        "ocean_eca_sulfur_pct_mass",
        "Sulfur content of ship fuel inside Emission Control Areas [% m/m].",
        ge=0.0,
        le=5.0,
    )
    ship_nox_tier: int = _from_csv(
        "ship_nox_tier", "IMO NOx tier of the ships' main engines [-].", ge=0, le=3
    )
    rail_ton_miles_per_gal: float = _from_csv(
        "rail_ton_miles_per_gal",
        "Freight rail fuel efficiency [revenue short-ton-miles per gallon].",
        gt=0.0,
    )
    cargo_tonnes_per_teu: float = _from_csv(
        "cargo_tonnes_per_teu", "Cargo mass of a loaded TEU [t].", gt=0.0, le=30.0
    )
    rail_intermodal_factor: float = _from_csv(
        "rail_intermodal_factor",
        "Fuel per cargo ton-mile of intermodal trains over the all-commodity average [-].",
        gt=0.0,
    )
    locomotive_tier: str = Field(
        default="tier2",
        description="Tier of the line-haul locomotives (portcap.sources.rail.TIERS); Tier 2 is "
        "the 1998 South Coast fleet-average level (inventory inputs §6.3).",
    )
    truck_long_haul_mpg: float = _from_csv(
        "truck_long_haul_mpg", "Fuel economy of long-haul diesel trucks [mi/gal].", gt=0.0
    )
    truck_long_haul_nox_g_per_mile: float = _from_csv(
        "truck_long_haul_nox_g_per_mile",
        "NOx of a long-haul diesel truck (MY2010+) per mile [g/mi].",
        ge=0.0,
    )
    teu_per_truck: float = _from_csv(
        "teu_per_truck", "TEU carried per truck trip [TEU].", gt=0.0, le=3.0
    )
    diesel_sulfur_ppm: float = _from_csv(
        "diesel_sulfur_ppm", "Sulfur in truck and locomotive diesel [ppm m/m].", ge=0.0, le=5000.0
    )
    regional_zero_emission_truck_share: float = _from_csv(
        "regional_zero_emission_truck_share",
        "Share of truck miles in the South Coast Air Basin driven zero-emission [-].",
        ge=0.0,
        le=1.0,
    )
    gateway_port_of_call_ratio: float = _from_csv(
        "gateway_port_of_call_ratio",
        "Port-call emissions per TEU at a rival gateway over San Pedro Bay 2023 [-].",
        ge=0.0,
    )
    san_pedro_bay_port_of_call_g_per_teu: dict[str, float] | None = Field(
        default=None,
        description="Port-call emissions per TEU at San Pedro Bay by pollutant [g/TEU], e.g. "
        "from a forecast year; None uses port_of_call.csv (2023 baseline inventory).",
    )
    gwp_set: str = Field(
        default="ar5_100", description="Global-warming-potential set for co2e (factors.GWP_SETS)."
    )

    @model_validator(mode="after")
    def _check_codes(self) -> DiversionParameters:
        from portcap.diversion.tables import ALL_PORT_CODES, LEAKAGE_POLLUTANTS  # noqa: PLC0415
        from portcap.sources import rail  # noqa: PLC0415

        factors.check_choice(self.locomotive_tier, rail.TIERS, "locomotive_tier")
        factors.check_choice(self.gwp_set, factors.GWP_SETS, "gwp_set")
        for code, value in self.rail_circuity_by_gateway.items():
            factors.check_choice(code, ALL_PORT_CODES, "port code in rail_circuity_by_gateway")
            if not 1.0 <= value <= 2.0:
                raise ValueError(f"rail circuity of {code} must be in [1, 2], got {value}")
        given = self.san_pedro_bay_port_of_call_g_per_teu
        if given is not None:
            missing = [p for p in LEAKAGE_POLLUTANTS if p not in given]
            unknown = [p for p in given if p not in LEAKAGE_POLLUTANTS]
            if missing or unknown or any(value < 0 for value in given.values()):
                raise ValueError(
                    "san_pedro_bay_port_of_call_g_per_teu needs a value >= 0 for each of "
                    f"{list(LEAKAGE_POLLUTANTS)}; missing {missing}, unknown {unknown}"
                )
        return self

    @classmethod
    def from_set(cls, name: str, **overrides: Any) -> DiversionParameters:
        """Parameters of a named set of ``parameters.csv``, with optional overrides.

        Parameters
        ----------
        name : str
            One of :func:`parameter_sets`.
        **overrides
            Field values that replace those of the set.

        Returns
        -------
        DiversionParameters
            Defaults, replaced by the set's values, replaced by ``overrides``.

        Raises
        ------
        ValueError
            If ``name`` is unknown (listing the valid names) or a value is invalid.

        Examples
        --------
        >>> DiversionParameters.from_set("hummels_schaur2013").value_of_time_usd_per_teu_day
        327.0
        """
        factors.check_choice(name, parameter_sets(), "parameter set")
        values: dict[str, Any] = dict(_set_values(name)) if name != DEFAULT_SET else {}
        values.update(overrides)
        return cls(**values)
