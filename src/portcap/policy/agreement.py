r"""The infrastructure agreement: zero-emission plans by phase, adoption that follows them.

The 2025 Cooperative Agreement between the South Coast AQMD and the Ports and Cities of
Los Angeles and Long Beach replaced (for five years) the rule with three zero-emission
infrastructure plans: Phase 1 by 31 December 2027 (container-terminal cargo-handling
equipment and drayage trucks), Phase 2 by 31 December 2028 (non-container equipment,
switcher locomotives, harbor craft), Phase 3 by 31 December 2029 (ships). A port that
misses a plan deadline or a project milestone within its control is in default and pays
$50,000-200,000 per default; either side may leave on 45 days' notice.

The regime turns that into an adoption schedule (packaged tables
``agreement_phases.csv`` and ``agreement_schedule.csv``):

1. **Plans.** Each phase's plan is due on its date; a plan late by ``plan_delay_years``
   is one missed milestone per port and year late.
2. **Adoption.** From ``start_lag_years`` after the plan year, the clean-technology
   measures of the phase's sources (the ``options`` of
   :func:`portcap.policy.technology.abatement_options`, matched by ``source`` and by
   whether the terminal handles containers) are planned to be adopted on a straight line
   up to a target share of each terminal's fleet by a target year:

   .. math::

       P_i(y) = S_i \min\!\left(1, \frac{y - y_{0} + 1}{T_i - y_{0} + 1}\right)
       \quad (y \ge y_0), \qquad 0 \text{ before}

   What is actually adopted follows the plan as far as the year's options allow:

   .. math::

       A_i(y) = A_i(y-1) + \min\!\big(\max(0,\; d\,P_i(y) - A_i(y-1)),\; a_i\big)

   with the delivery share :math:`d` (the deterministic share of the plan the ports
   deliver) and :math:`a_i` the share of the fleet the year's option offers (the
   measure's yearly availability). Adopted measures stay adopted, like funded projects:
   each year they cut :math:`A_i` of the measure's full potential in that year's
   projected emissions and cost :math:`A_i` of its full annualised cost.
3. **Milestones.** For each phase, port and year from the start to the target year, the
   milestone is met when every measure of the phase at the port has
   :math:`A_i(y) \ge P_i(y)`; each missed milestone (and each late plan) costs the port
   one penalty (payments kind ``penalty``, paid by the port: the ``terminal`` column holds
   the port's code).
4. **Who pays.** The measures cost their annualised cost; the share
   ``public_cost_share`` of it is paid by the ports and public grants (payments kind
   ``public_funding``, per terminal; a split of the measures' cost, not an addition).

No cargo is turned away. After ``exit_year`` (the 45-day exit) nothing new is adopted and
no milestone falls due; what was adopted stays.

Method, values and ranges: ``docs/methodology/agreement.md``.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from portcap import factors
from portcap.errors import InputError
from portcap.factors import ColumnSpec, FactorTableError, TableSpec
from portcap.policy import technology
from portcap.policy.base import (
    MEASURE_COLUMNS,
    PAYMENT_COLUMNS,
    PolicyOutcome,
    RegimeContext,
    cut_emissions,
    empty_payments,
    no_policy_terminals,
)
from portcap.port_inventory import SOURCES

__all__ = [
    "AGREEMENT_TABLES",
    "TERMINAL_KINDS",
    "AgreementParameters",
    "AgreementRegime",
    "agreement_schedule",
    "make_regime",
    "planned_share",
]

TERMINAL_KINDS: tuple[str, ...] = ("container", "non_container", "any")
"""Terminals a schedule row applies to: container terminals (those of the context), the
others (including ``other``), or all."""

_CAP_COLUMNS: tuple[str, ...] = (
    "scope",
    "target",
    "port",
    "pollutant",
    "cap_tonnes",
    "before_tonnes",
    "after_tonnes",
    "met",
    "year",
)

_TOLERANCE = 1e-9
"""Relative tolerance of the milestone test (float sums of yearly shares)."""

_FULL_AVAILABILITY = 1e9
"""Availability scale that lifts every measure's yearly availability to 1 (its whole fleet)."""


def _data_path(file: str) -> Path:
    return Path(str(resources.files("portcap.data").joinpath("policy", file)))


def _sources() -> tuple[ColumnSpec, ColumnSpec]:
    return (ColumnSpec("source_id", "str"), ColumnSpec("source_locator", "str"))


AGREEMENT_TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "agreement_phases",
            "agreement_phases.csv",
            "Phases of the Cooperative Agreement and the date each zero-emission plan is due.",
            key=("phase",),
            columns=(
                ColumnSpec("phase", "int", minimum=1, maximum=9),
                ColumnSpec("plan_due", "date"),
                ColumnSpec("description", "str"),
                *_sources(),
            ),
        ),
        TableSpec(
            "agreement_schedule",
            "agreement_schedule.csv",
            "Sources of each phase and the share of their fleet planned zero-emission by a year.",
            key=("phase", "source", "terminal_kind"),
            columns=(
                ColumnSpec("phase", "int", minimum=1, maximum=9),
                ColumnSpec("source", "str", allowed=SOURCES),
                ColumnSpec("terminal_kind", "str", allowed=TERMINAL_KINDS),
                ColumnSpec("target_share", "float", unit="dimensionless", minimum=0, maximum=1),
                ColumnSpec("target_year", "int", unit="year", minimum=2000, maximum=2100),
                *_sources(),
            ),
        ),
    )
}
"""Packaged tables of the agreement in ``portcap/data/policy/``."""


@functools.cache
def _phases() -> pd.DataFrame:
    spec = AGREEMENT_TABLES["agreement_phases"]
    return factors.read_table_csv(_data_path(spec.file), spec)


@functools.cache
def _packaged_schedule() -> pd.DataFrame:
    return _read_schedule(None)


def _schedule(path: str | None) -> pd.DataFrame:
    """Return the packaged schedule (cached) or a user's (read each time: it may change)."""
    return _packaged_schedule() if path is None else _read_schedule(path)


def _read_schedule(path: str | None) -> pd.DataFrame:
    spec = AGREEMENT_TABLES["agreement_schedule"]
    file = Path(path) if path is not None else _data_path(spec.file)
    table = factors.read_table_csv(file, spec, user_file=path is not None)
    unknown = sorted(set(table["phase"]) - set(_phases()["phase"]))
    if unknown:
        raise FactorTableError(
            f"file {file.name}: phases {unknown} are not in "
            f"{AGREEMENT_TABLES['agreement_phases'].file} "
            f"(phases {sorted(_phases()['phase'])})"
        )
    # a source is either scheduled for all terminals or split by kind, never both
    for source, kinds in table.groupby("source")["terminal_kind"]:
        if "any" in set(kinds) and len(kinds) > 1:
            raise FactorTableError(
                f"file {file.name}: source {source!r} has a row for 'any' terminal and "
                "rows by terminal kind; a terminal's measure must belong to one phase"
            )
    return table


class AgreementParameters(BaseModel):
    """Choices of the infrastructure-agreement regime (each sourced)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    delivery_share: float = Field(
        default=1.0,
        json_schema_extra=factors.sourced(
            ("portcap_assumption",),
            "R",
            "1 = the ports deliver everything their plans call for, where the options allow; "
            "lower values test partial delivery (no public record yet: the first plans are "
            "due at the end of 2027); range 0-1",
        ),
    )
    """Share of each plan the ports deliver (deterministic, no probability) [-]."""

    penalty_usd_per_default: float = Field(
        default=125_000.0,
        json_schema_extra=factors.sourced(
            ("aqmd_coop_agreement_board_2026",),
            "V",
            "penalties of $50,000-200,000 per default (doubled in negotiation); how the "
            "amount is set within the range is not public: the middle of the range",
        ),
    )
    """Penalty a port pays per missed milestone or late plan [USD]."""

    public_cost_share: float = Field(
        default=0.64,
        json_schema_extra=factors.sourced(
            ("epa_clean_ports_pola_2024",),
            "D",
            "the EPA Clean Ports grant to POLA: $412 M of a $648 M zero-emission package "
            "(0.64); range 0.29 (a $120,000 HVIP voucher on a $411,200 battery-electric "
            "truck) to 0.71 (CEC $9.7 M of a $13.7 M equipment project)",
        ),
    )
    """Share of the measures' annualised cost paid by the ports and public grants [-]."""

    start_lag_years: int = Field(
        default=1,
        json_schema_extra=factors.sourced(
            ("aqmd_coop_agreement_2025",),
            "R",
            "plans are due on 31 December; projects start the following year; range 1-2",
        ),
    )
    """Years from a plan's due year to the first year of its adoption schedule [year]."""

    plan_delay_years: int = Field(
        default=0,
        json_schema_extra=factors.sourced(
            ("aqmd_coop_agreement_2025",),
            "R",
            "0 = plans on time; each year late is one default per port and phase and delays "
            "the phase's start by a year",
        ),
    )
    """Years every phase's plan is late [year]."""

    exit_year: int | None = Field(
        default=None,
        json_schema_extra=factors.sourced(
            ("aqmd_coop_agreement_2025", "blueeconomy_pause_2025"),
            "V",
            "either party may leave on 45 days' notice; the rule's pause lasts five years "
            "unless the agreement ends early. None = in force throughout",
        ),
    )
    """First year without the agreement (no new adoption, no milestones); None = never."""

    schedule_file: str | None = Field(
        default=None,
        json_schema_extra=factors.sourced(
            ("portcap_convention",),
            "V",
            "None = the packaged agreement_schedule.csv (CAAP goals and assumptions)",
        ),
    )
    """A user schedule in the columns of ``agreement_schedule.csv``, replacing it whole."""

    @field_validator("delivery_share", "public_cost_share")
    @classmethod
    def _share(cls, value: float) -> float:
        if not np.isfinite(value) or not 0.0 <= value <= 1.0:
            raise ValueError(f"must be a share between 0 and 1, got {value}")
        return value

    @field_validator("penalty_usd_per_default")
    @classmethod
    def _penalty(cls, value: float) -> float:
        if not np.isfinite(value) or value < 0:
            raise ValueError(
                f"penalty per default must be a finite amount >= 0 USD (paid by the port), "
                f"got {value}"
            )
        return value

    @field_validator("start_lag_years", "plan_delay_years")
    @classmethod
    def _years(cls, value: int) -> int:
        if value < 0:
            raise ValueError(f"must be a number of years >= 0, got {value}")
        return value

    @field_validator("schedule_file")
    @classmethod
    def _check_schedule(cls, value: str | None) -> str | None:
        if value is not None:
            _schedule(str(Path(value).resolve()))  # fail early, with file/row/column
            return str(Path(value).resolve())
        return value


def planned_share(
    year: npt.ArrayLike,
    start_year: npt.ArrayLike,
    target_year: npt.ArrayLike,
    target_share: npt.ArrayLike,
) -> npt.NDArray[np.float64]:
    r"""Share of a fleet a plan calls zero-emission in a year: a straight line to the target.

    Parameters
    ----------
    year : int or array_like
        The year [year].
    start_year : int or array_like
        First year of adoption [year].
    target_year : int or array_like
        Year the target share is reached [year]; a target year before the start year
        means the whole target in the start year.
    target_share : float or array_like
        Share of the fleet planned by the target year [-].

    Returns
    -------
    numpy.ndarray
        :math:`S \min(1, \max(0, (y - y_0 + 1) / (T - y_0 + 1)))` [-].

    Examples
    --------
    >>> planned_share([2027, 2028, 2029, 2030, 2031], 2028, 2030, 0.9).round(2)
    array([0. , 0.3, 0.6, 0.9, 0.9])
    """
    year_ = np.asarray(year, dtype=float)
    start = np.asarray(start_year, dtype=float)
    span = np.maximum(np.asarray(target_year, dtype=float) - start + 1.0, 1.0)
    share = np.asarray(target_share, dtype=float)
    return np.asarray(share * np.clip((year_ - start + 1.0) / span, 0.0, 1.0), dtype=float)


def agreement_schedule(parameters: AgreementParameters | None = None) -> pd.DataFrame:
    """Return the adoption schedule: one row per phase, source and terminal kind.

    Parameters
    ----------
    parameters : AgreementParameters, optional
        Schedule file, start lag and plan delay; default :class:`AgreementParameters`.

    Returns
    -------
    pandas.DataFrame
        ``phase, source, terminal_kind, plan_due`` (ISO date), ``plan_year``,
        ``start_year`` (plan year + start lag + plan delay), ``target_year``,
        ``target_share`` [-], ``yearly_share`` (planned share added per year [-]).

    Examples
    --------
    >>> schedule = agreement_schedule()
    >>> schedule[["phase", "source", "terminal_kind", "start_year", "target_year"]].head(2)
       phase          source terminal_kind  start_year  target_year
    0      1  cargo_handling     container        2028         2030
    1      1           truck           any        2028         2035
    """
    parameters = parameters or AgreementParameters()
    table = _schedule(parameters.schedule_file).drop(columns=["source_id", "source_locator"])
    phases = _phases()[["phase", "plan_due"]]
    table = table.merge(phases, on="phase", how="left", validate="m:1")
    table["plan_year"] = table["plan_due"].dt.year.astype("int64")
    table["plan_due"] = table["plan_due"].dt.strftime("%Y-%m-%d")
    table["start_year"] = (
        table["plan_year"] + parameters.start_lag_years + parameters.plan_delay_years
    ).astype("int64")
    span = np.maximum(table["target_year"] - table["start_year"] + 1, 1)
    table["yearly_share"] = table["target_share"] / span
    columns = [
        "phase",
        "source",
        "terminal_kind",
        "plan_due",
        "plan_year",
        "start_year",
        "target_year",
        "target_share",
        "yearly_share",
    ]
    return table.sort_values(["phase", "source"]).reset_index(drop=True)[columns]


class AgreementRegime:
    """The infrastructure agreement as a :class:`portcap.policy.base.Regime`.

    Keeps, between years, the share of each terminal's fleet adopted under each measure.
    Step it once per year in increasing order (a gap of ``k`` years allows ``k`` years of
    availability at once; milestones are checked only in the years stepped).

    Parameters
    ----------
    parameters : AgreementParameters
        Delivery share, penalty, cost split, schedule, exit.
    context : RegimeContext
        Container terminals (which terminals handle containers; the ports are their
        ports).
    """

    name = "agreement"

    def __init__(self, parameters: AgreementParameters, context: RegimeContext) -> None:
        self.parameters = parameters
        self.context = context
        self.schedule = agreement_schedule(parameters)
        container = context.container_terminals
        self._container = set(container["terminal"].astype(str))
        self._ports = sorted(set(container["port"].astype(str)))
        self._adopted: dict[tuple[str, str], float] = {}
        self._last_year: int | None = None

    @property
    def adopted(self) -> pd.DataFrame:
        """Share of each terminal's fleet adopted so far: ``terminal, measure, share``."""
        return pd.DataFrame(
            [(t, m, s) for (t, m), s in sorted(self._adopted.items())],
            columns=["terminal", "measure", "share"],
        )

    def step(
        self,
        year: int,
        emissions: pd.DataFrame,
        teu: pd.DataFrame,
        profile: pd.Series,
        options: pd.DataFrame,
    ) -> PolicyOutcome:
        """Apply the agreement to one year (see the module docstring).

        Parameters
        ----------
        year : int
            The year; later than the previous step's.
        emissions : DataFrame
            The year's projected emissions (with its ``co2`` rows, from which the fleet
            behind each option is counted).
        teu : DataFrame
            ``port, terminal, teu`` of the container terminals (nothing is turned away).
        profile : Series
            Daily activity shares (unused: the agreement has no daily ledger).
        options : DataFrame
            :func:`portcap.policy.technology.abatement_options` of ``emissions``.

        Returns
        -------
        PolicyOutcome
            Measures adopted so far (``share_taken`` = share of the terminal's fleet),
            emissions after them, payments ``public_funding`` and ``penalty``, and the
            indicators ``agreement_in_force``, ``milestones_due``,
            ``milestones_missed``, ``penalties_usd``, ``public_funding_usd``,
            ``measures_cost_usd``, ``adopted_share_phase_<k>`` and
            ``planned_share_phase_<k>`` (cost-weighted over the phase's measures present
            this year; 0 when there are none).
        """
        year = int(year)
        if self._last_year is not None and year <= self._last_year:
            raise ValueError(
                f"the agreement is stepped in increasing years: {year} after {self._last_year}"
            )
        elapsed = 1 if self._last_year is None else year - self._last_year
        self._last_year = year
        parameters = self.parameters
        in_force = parameters.exit_year is None or year < parameters.exit_year

        items = self._items(year, emissions, options)
        keys = list(zip(items["terminal"], items["measure"], strict=True))
        previous = np.array([self._adopted.get(k, 0.0) for k in keys], dtype=float)
        planned = planned_share(
            year, items["start_year"], items["target_year"], items["target_share"]
        )
        if in_force:
            wanted = np.maximum(parameters.delivery_share * planned - previous, 0.0)
            increment = np.minimum(wanted, items["availability"].to_numpy() * elapsed)
        else:
            increment = np.zeros(len(items))
        adopted = previous + increment
        self._adopted.update(zip(keys, adopted.tolist(), strict=True))
        items = items.assign(planned=planned, adopted=adopted)

        measures = self._measures(year, items, options)
        work = cut_emissions(emissions, measures)
        milestones = self._milestones(year, items, in_force)
        payments = self._payments(year, items, milestones)
        indicators = self._indicators(items, milestones, payments, in_force)
        caps = pd.DataFrame({c: pd.Series(dtype=object) for c in _CAP_COLUMNS})
        return PolicyOutcome(
            no_policy_terminals(year, teu),
            work,
            measures[list(MEASURE_COLUMNS)],
            caps,
            payments,
            indicators,
        )

    # ----------------------------------------------------------------------------------
    def _items(self, year: int, emissions: pd.DataFrame, options: pd.DataFrame) -> pd.DataFrame:
        """One row per terminal and measure of the agreement, with fleet, cost and plan."""
        columns = ["port", "terminal", "measure", "source", "units", "cost_usd"]
        if options is None or options.empty:
            return _empty_items()
        missing = [c for c in (*columns, "pollutant", "reduction_tonnes") if c not in options]
        if missing:
            raise InputError(
                f"options: missing column(s) {missing}; expected the table of "
                "portcap.policy.technology.abatement_options"
            )
        items = (
            options[columns]
            .drop_duplicates(["terminal", "measure"])
            .astype({"terminal": str, "measure": str, "source": str, "port": str})
            .reset_index(drop=True)
        )
        items["terminal_kind"] = np.where(
            items["terminal"].isin(self._container), "container", "non_container"
        )
        schedule = self.schedule
        by_kind = schedule[schedule["terminal_kind"] != "any"]
        for_any = schedule[schedule["terminal_kind"] == "any"].drop(columns="terminal_kind")
        plan_columns = ["phase", "start_year", "target_year", "target_share"]
        matched = pd.concat(
            [
                items.merge(
                    by_kind[["source", "terminal_kind", *plan_columns]],
                    on=["source", "terminal_kind"],
                    validate="m:1",
                ),
                items.merge(for_any[["source", *plan_columns]], on="source", validate="m:1"),
            ],
            ignore_index=True,
        )
        if matched.empty:
            return _empty_items()
        matched["availability"] = self._availability(year, emissions, matched)
        # the whole fleet's annualised cost: the option's cost over the share it offers
        matched["full_cost_usd"] = matched["cost_usd"] / matched["availability"]
        return matched.sort_values(["phase", "terminal", "measure"]).reset_index(drop=True)

    @staticmethod
    def _availability(year: int, emissions: pd.DataFrame, items: pd.DataFrame) -> np.ndarray:
        """Share of each terminal's fleet its option offers this year (units / all units)."""
        full = technology.abatement_options(
            emissions,
            year=year,
            parameters=technology.TechnologyParameters(availability_scale=_FULL_AVAILABILITY),
        )
        fleet = full.drop_duplicates(["terminal", "measure"]).set_index(["terminal", "measure"])
        keys = pd.MultiIndex.from_frame(items[["terminal", "measure"]])
        units = fleet["units"].reindex(keys).to_numpy(dtype=float)
        lost = ~(units > 0)
        if lost.any():
            row = items.iloc[int(np.flatnonzero(lost)[0])]
            raise InputError(
                f"options: measure {row['measure']!r} at terminal {row['terminal']!r} is not "
                "in the clean-technology options of this emissions table; pass the options "
                "of portcap.policy.technology.abatement_options for the same emissions"
            )
        return np.asarray(np.clip(items["units"].to_numpy(dtype=float) / units, 0.0, 1.0))

    def _measures(self, year: int, items: pd.DataFrame, options: pd.DataFrame) -> pd.DataFrame:
        """Rows of :data:`MEASURE_COLUMNS` (plus ``source``) for the fleet adopted so far."""
        taken = items[items["adopted"] > 0]
        columns = [*MEASURE_COLUMNS, "source"]
        if taken.empty:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        rows = options[["terminal", "measure", "pollutant", "reduction_tonnes"]].merge(
            taken[["terminal", "measure", "source", "adopted", "availability", "cost_usd"]],
            on=["terminal", "measure"],
            validate="m:1",
        )
        scale = rows["adopted"] / rows["availability"]  # adopted fleet in option tranches
        return pd.DataFrame(
            {
                "year": year,
                "terminal": rows["terminal"],
                "measure": rows["measure"],
                "share_taken": rows["adopted"],
                "pollutant": rows["pollutant"],
                "reduction_tonnes": rows["reduction_tonnes"] * scale,
                "cost_usd": rows["cost_usd"] * scale,
                "source": rows["source"],
            }
        )[columns]

    def _milestones(self, year: int, items: pd.DataFrame, in_force: bool) -> pd.DataFrame:
        """``phase, port, kind (plan|adoption), missed`` of the milestones due this year."""
        columns = ["phase", "port", "kind", "missed"]
        if not in_force:
            return pd.DataFrame(
                {c: pd.Series(dtype=bool if c == "missed" else object) for c in columns}
            )
        delay = self.parameters.plan_delay_years
        plans = self.schedule.drop_duplicates("phase")[["phase", "plan_year"]]
        plans = plans[(plans["plan_year"] <= year) & (year <= plans["plan_year"] + delay)]
        plan_rows = plans.merge(pd.DataFrame({"port": self._ports}), how="cross")
        plan_rows["kind"] = "plan"
        plan_rows["missed"] = (plan_rows["plan_year"] + delay > year).to_numpy(dtype=bool)
        window = items[(items["start_year"] <= year) & (year <= items["target_year"])]
        short = window["adopted"] < window["planned"] * (1.0 - _TOLERANCE) - _TOLERANCE
        by_port = pd.Series(short.to_numpy(dtype=bool), name="missed")
        adoption = (
            by_port.groupby([window["phase"].to_numpy(), window["port"].to_numpy()])
            .any()
            .rename_axis(["phase", "port"])
            .reset_index()
        )
        adoption["kind"] = "adoption"
        return pd.concat([plan_rows[columns], adoption[columns]], ignore_index=True).astype(
            {"missed": bool}
        )

    def _payments(self, year: int, items: pd.DataFrame, milestones: pd.DataFrame) -> pd.DataFrame:
        """Public funding per terminal and penalties per port."""
        share = self.parameters.public_cost_share
        cost = items["adopted"] * items["full_cost_usd"]
        public = (
            items.assign(usd=cost * share)
            .groupby("terminal", as_index=False)["usd"]
            .sum()
            .assign(year=year, kind="public_funding")
        )
        public = public[public["usd"] > 0]
        missed = milestones.loc[milestones["missed"].to_numpy(dtype=bool)]
        defaults = missed["port"].value_counts().sort_index()
        penalties = pd.DataFrame(
            {
                "year": year,
                "terminal": defaults.index.to_numpy(dtype=object),
                "kind": "penalty",
                "usd": defaults.to_numpy(dtype=float) * self.parameters.penalty_usd_per_default,
            }
        )
        frames = [f[list(PAYMENT_COLUMNS)] for f in (public, penalties) if len(f)]
        if not frames:
            return empty_payments()
        return pd.concat(frames, ignore_index=True)

    def _indicators(
        self,
        items: pd.DataFrame,
        milestones: pd.DataFrame,
        payments: pd.DataFrame,
        in_force: bool,
    ) -> dict[str, float]:
        paid = payments.groupby("kind")["usd"].sum()
        indicators = {
            "agreement_in_force": float(in_force),
            "milestones_due": float(len(milestones)),
            "milestones_missed": float(milestones["missed"].sum()),
            "penalties_usd": float(paid.get("penalty", 0.0)),
            "public_funding_usd": float(paid.get("public_funding", 0.0)),
            "measures_cost_usd": float((items["adopted"] * items["full_cost_usd"]).sum()),
        }
        # terminals pay the part of the measures the public does not
        indicators["terminal_measures_cost_usd"] = max(
            indicators["measures_cost_usd"] - indicators["public_funding_usd"], 0.0
        )
        for phase in sorted(set(self.schedule["phase"])):
            mine = items[items["phase"] == phase]
            weight = float(mine["full_cost_usd"].sum())
            adopted = float((mine["adopted"] * mine["full_cost_usd"]).sum())
            planned = float((mine["planned"] * mine["full_cost_usd"]).sum())
            indicators[f"adopted_share_phase_{phase}"] = adopted / weight if weight > 0 else 0.0
            indicators[f"planned_share_phase_{phase}"] = planned / weight if weight > 0 else 0.0
        return indicators


def _empty_items() -> pd.DataFrame:
    """Return the items table with no rows (and the dtypes the arithmetic needs)."""
    numeric = ("units", "cost_usd", "availability", "full_cost_usd", "target_share")
    integer = ("phase", "start_year", "target_year")
    names = ("port", "terminal", "measure", "source", "terminal_kind")
    return pd.DataFrame(
        {
            **{c: pd.Series(dtype=object) for c in names},
            **{c: pd.Series(dtype=float) for c in numeric},
            **{c: pd.Series(dtype="int64") for c in integer},
        }
    )


def make_regime(parameters: AgreementParameters, context: RegimeContext) -> AgreementRegime:
    """Make the infrastructure-agreement regime from its parameters.

    Parameters
    ----------
    parameters : AgreementParameters
        The regime's parameters.
    context : RegimeContext
        Base year, reference inventories, container terminals.

    Returns
    -------
    AgreementRegime
        A :class:`portcap.policy.base.Regime` to step once per year.

    Examples
    --------
    >>> context = RegimeContext(
    ...     base_year=2023, reference={},
    ...     container_terminals=pd.DataFrame({"port": ["POLB"], "terminal": ["POLB_A"]}))
    >>> make_regime(AgreementParameters(), context).name
    'agreement'
    """
    return AgreementRegime(parameters, context)
