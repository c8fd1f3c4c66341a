r"""The cap regime: caps per terminal and port, a daily ledger, clean technology, turn-away.

A cap limits the yearly mass of one pollutant over a scope (each container terminal, a
terminal, a port or the whole complex). In a year with active caps:

1. **Clean technology first.** A terminal over its cap takes the clean-technology
   measures available to it (:mod:`portcap.policy.technology`), cheapest per tonne first,
   until it is under the cap or the measures run out; the last measure is taken in part.
2. **Turn-away.** If still over, the terminal turns cargo away for the rest of the year
   from the day its cumulative emissions reach the cap (the **daily ledger**: emissions
   follow the day-by-day activity profile of the year). All of a terminal's attributed
   emissions scale with its cargo, so it can handle the share
   :math:`a = C / E'` of its year's cargo, where :math:`E'` is its emissions after
   technology, and turns away :math:`1 - a` of its TEU. The cap binds on the first day
   whose cumulative activity share reaches :math:`a`: with constant daily emissions
   :math:`e` that is day :math:`\lceil C / e \rceil`.
3. **Wider caps** (a port, the complex) are checked after the terminal caps: measures
   anywhere in the scope first, then the container terminals of the scope turn away the
   same further share of their remaining cargo, enough to bring the scope under its cap.
   Emissions of non-container terminals and of ``other`` are not turned away (the rule's
   concept puts the turn-away on container terminals).

The functions here are pure: they take the year's projected emissions table, TEU demand
by terminal, the measures available and the daily profile, and return what happens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from portcap.policy.base import (
    PolicyOutcome,
    RegimeContext,
    measure_table,
    taken_table,
)

__all__ = [
    "CapOutcome",
    "CapRegime",
    "active_caps",
    "apply_caps",
    "binding_date",
    "daily_ledger",
]

OTHER = "other"


CapOutcome = PolicyOutcome
"""The outcome of the cap regime (the common :class:`portcap.policy.base.PolicyOutcome`)."""


class CapRegime:
    """The cap regime as a :class:`portcap.policy.base.Regime` (stateless from year to year).

    Parameters
    ----------
    caps : sequence of CapRecord
        The caps of the scenario.
    context : RegimeContext
        Base year, reference inventories, container terminals.
    technology_first, turn_away : bool
        As in :func:`apply_caps`.
    """

    name = "cap"

    def __init__(
        self,
        caps: Sequence[object],
        context: RegimeContext,
        *,
        technology_first: bool = True,
        turn_away: bool = True,
    ) -> None:
        self.caps = tuple(caps)
        self.context = context
        self.technology_first = technology_first
        self.turn_away = turn_away
        # the reference inventories do not change from year to year: sum each scope once
        self._reference = _ReferenceTotals(context.reference)

    def step(
        self,
        year: int,
        emissions: pd.DataFrame,
        teu: pd.DataFrame,
        profile: pd.Series,
        options: pd.DataFrame,
    ) -> PolicyOutcome:
        """Apply the caps in force in ``year`` (see :func:`apply_caps`)."""
        caps = _active_caps(
            self.caps,
            year,
            self._reference,
            self.context.container_terminals,
            base_year=self.context.base_year,
        )
        outcome = apply_caps(
            emissions,
            teu,
            caps,
            profile,
            options=options if self.technology_first and len(caps) else None,
            technology_first=self.technology_first,
            turn_away=self.turn_away,
        )
        return PolicyOutcome(
            outcome.terminals,
            outcome.emissions,
            outcome.measures,
            outcome.caps.assign(year=year),
        )


def active_caps(
    caps: Sequence[object],
    year: int,
    reference: dict[int, pd.DataFrame],
    container_terminals: pd.DataFrame,
    *,
    base_year: int,
) -> pd.DataFrame:
    """Return the caps in force in ``year``, one row per scope target, limits in tonnes.

    Parameters
    ----------
    caps : sequence of CapRecord
        Cap records (``portcap.scenario.CapRecord``); for each scope, target and pollutant
        the latest record with ``effective_year <= year`` applies.
    year : int
        The year.
    reference : dict
        Emissions tables of the reference years (``year -> emissions table``).
    container_terminals : DataFrame
        ``port, terminal`` of the container terminals (targets of
        ``each_container_terminal``).
    base_year : int
        Default reference year.

    Returns
    -------
    DataFrame
        ``scope, target, port, pollutant, cap_tonnes`` (``scope`` in complex, port,
        terminal).
    """
    return _active_caps(
        caps, year, _ReferenceTotals(reference), container_terminals, base_year=base_year
    )


class _ReferenceTotals:
    """Totals of the reference inventories by scope and pollutant, each summed once."""

    def __init__(self, reference: dict[int, pd.DataFrame]) -> None:
        self.reference = reference
        self._ledgers: dict[int, _Ledger] = {}
        self._totals: dict[tuple[int, str, str, str], float] = {}

    def __contains__(self, year: object) -> bool:
        return year in self.reference

    def total(self, year: int, kind: str, name: str, pollutant: str) -> float:
        key = (year, kind, name, pollutant)
        if key not in self._totals:
            if year not in self._ledgers:
                self._ledgers[year] = _Ledger(self.reference[year])
            self._totals[key] = self._ledgers[year].total(kind, name, pollutant)
        return self._totals[key]


def _active_caps(
    caps: Sequence[object],
    year: int,
    reference: _ReferenceTotals,
    container_terminals: pd.DataFrame,
    *,
    base_year: int,
) -> pd.DataFrame:
    latest: dict[tuple[str, str | None, str], object] = {}
    for cap in sorted(caps, key=lambda c: c.effective_year):  # type: ignore[attr-defined]
        if cap.effective_year <= year:  # type: ignore[attr-defined]
            key = (cap.scope, cap.target, cap.pollutant)  # type: ignore[attr-defined]
            latest[key] = cap
    rows: list[dict[str, object]] = []
    for (scope, target, pollutant), cap in latest.items():
        reference_year = cap.reference_year or base_year  # type: ignore[attr-defined]
        if scope == "each_container_terminal":
            targets = [
                ("terminal", str(t), str(p))
                for p, t in container_terminals[["port", "terminal"]].itertuples(index=False)
            ]
        elif scope == "terminal":
            ports = container_terminals.loc[container_terminals["terminal"] == target, "port"]
            targets = [("terminal", str(target), str(ports.iloc[0]) if len(ports) else "")]
        elif scope == "port":
            targets = [("port", str(target), str(target))]
        else:
            targets = [("complex", "complex", "")]
        for kind, name, port in targets:
            if cap.limit_tonnes is not None:  # type: ignore[attr-defined]
                limit = float(cap.limit_tonnes)  # type: ignore[attr-defined]
            else:
                if reference_year not in reference:
                    msg = f"no inventory of reference year {reference_year} for a {scope} cap"
                    raise ValueError(msg)
                before = reference.total(reference_year, kind, name, pollutant)
                limit = before * (1.0 - float(cap.pct_below) / 100.0)  # type: ignore[attr-defined]
            rows.append(
                {
                    "scope": kind,
                    "target": name,
                    "port": port,
                    "pollutant": pollutant,
                    "cap_tonnes": limit,
                }
            )
    return pd.DataFrame(rows, columns=["scope", "target", "port", "pollutant", "cap_tonnes"])


def binding_date(profile: pd.Series, allowed_share: float) -> str | None:
    """Return the day a cap binds: the first day the cumulative activity reaches the share.

    Parameters
    ----------
    profile : Series
        Share of the year's activity on each day (index: dates; sums to one).
    allowed_share : float
        Share of the year's activity the cap allows (cap / yearly emissions).

    Returns
    -------
    str or None
        ISO date, or None when the cap does not bind (``allowed_share >= 1``).

    Examples
    --------
    Constant daily emissions ``e`` and cap ``C`` bind on day ``ceil(C / e)``:

    >>> days = pd.date_range("2031-01-01", "2031-12-31")
    >>> flat = pd.Series(1 / len(days), index=days)
    >>> binding_date(flat, 100.5 / 365)   # C / e = 100.5 days
    '2031-04-11'
    """
    return _binding_dates(profile, [allowed_share])[0]


def _binding_dates(profile: pd.Series, allowed_shares: Sequence[float]) -> list[str | None]:
    """:func:`binding_date` of each share (the profile summed once)."""
    cumulative = profile.cumsum().to_numpy(dtype=float)
    dates: list[str | None] = []
    for allowed_share in allowed_shares:
        if allowed_share >= 1.0:
            dates.append(None)
            continue
        # tolerance for the float sum of equal shares
        position = int(np.searchsorted(cumulative, max(allowed_share, 0.0) - 1e-12, side="left"))
        position = min(position, len(profile) - 1)
        dates.append(pd.Timestamp(profile.index[position]).date().isoformat())
    return dates


class _Ledger:
    """The year's emissions as arrays, for the many sums and cuts of :func:`apply_caps`."""

    def __init__(self, emissions: pd.DataFrame) -> None:
        self.mass = emissions["mass_tonnes"].to_numpy(dtype=float).copy()
        self.terminal = emissions["terminal"].astype(str).to_numpy(dtype=object)
        self.port = emissions["port"].astype(str).to_numpy(dtype=object)
        self.pollutant = emissions["pollutant"].astype(str).to_numpy(dtype=object)
        self._source = emissions["source"]
        self._masks: dict[tuple[str, str, str], np.ndarray] = {}
        self._terminal_rows: dict[str, np.ndarray] = {}
        self._pollutant_rows: dict[str, np.ndarray] = {}
        self._groups: tuple[np.ndarray, dict[tuple[str, ...], int]] | None = None

    @property
    def groups(self) -> tuple[np.ndarray, dict[tuple[str, ...], int]]:
        """Groups of rows a measure cuts together: ``(terminal, source, pollutant)``.

        The group of each row and the index of each group's key (made when first needed).
        """
        if self._groups is None:
            source = self._source.astype(str).to_numpy(dtype=object)
            columns = (self.terminal, source, self.pollutant)
            # one integer per key combination, then groups in order of first appearance
            combined = np.zeros(len(self.mass), dtype=np.int64)
            for column in columns:
                codes, uniques = pd.factorize(column)
                combined = combined * len(uniques) + codes
            group, _ = pd.factorize(combined)
            first = np.unique(group, return_index=True)[1]
            index: dict[tuple[str, ...], int] = {
                (str(t), str(s), str(p)): i
                for i, (t, s, p) in enumerate(zip(*(c[first] for c in columns), strict=True))
            }
            self._groups = (np.asarray(group), index)
        return self._groups

    def mask(self, kind: str, name: str, pollutant: str) -> np.ndarray:
        key = (kind, name, pollutant)
        if key not in self._masks:
            if pollutant not in self._pollutant_rows:
                self._pollutant_rows[pollutant] = np.flatnonzero(self.pollutant == pollutant)
            rows = self._pollutant_rows[pollutant]
            if kind == "terminal":
                rows = rows[self.terminal[rows] == name]
            elif kind == "port":
                rows = rows[self.port[rows] == name]
            self._masks[key] = rows
        return self._masks[key]

    def total(self, kind: str, name: str, pollutant: str) -> float:
        return float(self.mass[self.mask(kind, name, pollutant)].sum())

    def scale_terminal(self, terminal: str, factor: float) -> None:
        if terminal not in self._terminal_rows:
            self._terminal_rows[terminal] = np.flatnonzero(self.terminal == terminal)
        self.mass[self._terminal_rows[terminal]] *= factor

    def cut(self, cuts: _Cuts) -> None:
        """Take each cut from its group's rows in proportion to their mass, never below 0."""
        if cuts.sourced_any:
            group, index = self.groups
            wanted = np.zeros(len(index))
            # in the order of the measures (the sums of several cuts of one group)
            np.add.at(wanted, cuts.sourced_group, cuts.sourced_tonnes)
            totals = np.bincount(group, weights=self.mass, minlength=len(wanted))
            with np.errstate(divide="ignore", invalid="ignore"):
                keep = np.where(totals > 0, 1.0 - np.minimum(wanted, totals) / totals, 1.0)
            self.mass *= keep[group]
        for terminal, pollutant, tonnes in cuts.unsourced:
            rows = self.mask("terminal", terminal, pollutant)
            total = float(self.mass[rows].sum())
            if total > 0:
                self.mass[rows] *= 1.0 - min(tonnes, total) / total


@dataclass(frozen=True)
class _Cuts:
    """The reductions of the measures taken for one cap, ready for :meth:`_Ledger.cut`."""

    sourced_any: bool
    """Whether any measure taken names its source."""
    sourced_group: np.ndarray
    """Ledger group of each reduction of a measure with a source, in the options' order."""
    sourced_tonnes: np.ndarray
    """Those reductions [t]."""
    unsourced: list[tuple[str, str, float]]
    """``(terminal, pollutant, tonnes)`` of the measures without a source, in order."""


class _MeritOrder:
    """The clean-technology options as arrays, and the share of each measure taken so far."""

    def __init__(self, measures: pd.DataFrame, ledger: _Ledger) -> None:
        self.terminal = measures["terminal"].astype(str).to_numpy(dtype=object)
        self.port = measures["port"].astype(str).to_numpy(dtype=object)
        self.pollutant = measures["pollutant"].astype(str).to_numpy(dtype=object)
        self.has_source = measures["source"].notna().to_numpy(dtype=bool)
        self.source = np.where(
            self.has_source, measures["source"].astype(object).to_numpy(dtype=object), ""
        ).astype(str)
        self.reduction = measures["reduction_tonnes"].to_numpy(dtype=float)
        self.per_tonne = (
            measures["cost_usd"]
            / measures["reduction_tonnes"].where(measures["reduction_tonnes"] > 0)
        ).to_numpy(dtype=float)
        keys = measures["terminal"].astype(str) + "|" + measures["measure"].astype(str)
        self.key = keys.to_numpy(dtype=object)
        self.taken: dict[str, float] = {}
        """``"<terminal>|<measure>"`` -> share of the measure taken."""
        self._ledger = ledger
        self._group: np.ndarray | None = None
        self._by_pollutant: dict[str, np.ndarray] = {}

    def _row_group(self) -> np.ndarray:
        """Ledger group each option row cuts (-1: none, or no source)."""
        if self._group is None:
            _, index = self._ledger.groups
            self._group = np.array(
                [
                    index.get((t, s, p), -1) if has else -1
                    for t, s, p, has in zip(
                        self.terminal, self.source, self.pollutant, self.has_source, strict=True
                    )
                ],
                dtype=np.intp,
            )
        return self._group

    def candidates(self, kind: str, name: str, pollutant: str) -> np.ndarray:
        """Option rows of the pollutant in the scope, cheapest per tonne first (stable)."""
        if pollutant not in self._by_pollutant:
            self._by_pollutant[pollutant] = np.flatnonzero(self.pollutant == pollutant)
        rows = self._by_pollutant[pollutant]
        if kind == "terminal":
            rows = rows[self.terminal[rows] == name]
        elif kind == "port":
            rows = rows[self.port[rows] == name]
        return rows[np.argsort(self.per_tonne[rows], kind="stable")]

    def take(self, kind: str, name: str, pollutant: str, excess: float) -> _Cuts | None:
        """Take measures in merit order until ``excess`` tonnes are cut (the last in part)."""
        chosen: dict[str, float] = {}
        for row in self.candidates(kind, name, pollutant):
            if excess <= 1e-12:
                break
            key = str(self.key[row])
            left = 1.0 - self.taken.get(key, 0.0)
            reduction = float(self.reduction[row])
            if left <= 0 or reduction <= 0:
                continue
            share = left if reduction * left <= excess else excess / reduction
            self.taken[key] = self.taken.get(key, 0.0) + share
            excess -= reduction * share
            chosen[key] = share
        if not chosen:
            return None
        # every pollutant row of the measures taken, in the order of the options
        rows = np.flatnonzero(np.isin(self.key, list(chosen)))
        tonnes = self.reduction[rows] * np.array([chosen[str(k)] for k in self.key[rows]])
        sourced = self.has_source[rows]
        group = self._row_group()[rows[sourced]] if sourced.any() else np.array([], np.intp)
        found = group >= 0
        unsourced = [
            (str(self.terminal[r]), str(self.pollutant[r]), float(t))
            for r, t in zip(rows[~sourced], tonnes[~sourced], strict=True)
        ]
        return _Cuts(bool(sourced.any()), group[found], tonnes[sourced][found], unsourced)


def apply_caps(
    emissions: pd.DataFrame,
    teu: pd.DataFrame,
    caps: pd.DataFrame,
    profile: pd.Series,
    *,
    options: pd.DataFrame | None = None,
    technology_first: bool = True,
    turn_away: bool = True,
) -> PolicyOutcome:
    """Apply the year's caps: technology, then turn-away, terminal caps before wider caps.

    Parameters
    ----------
    emissions : DataFrame
        The year's projected emissions table (``year, port, terminal, source, mode,
        engine, pollutant, mass_tonnes``).
    teu : DataFrame
        TEU demand of the container terminals: ``port, terminal, teu``.
    caps : DataFrame
        From :func:`active_caps`.
    profile : Series
        Daily activity shares of the year (sums to one).
    options : DataFrame, optional
        Clean-technology measures: ``terminal, measure, pollutant, reduction_tonnes,
        cost_usd`` (cost of taking the whole measure; a measure reduces every pollutant
        it lists). None: no technology.
    technology_first : bool
        Take measures before turning cargo away.
    turn_away : bool
        Turn cargo away once a cap is reached (else the excess is only reported).

    Returns
    -------
    PolicyOutcome
    """
    year = int(emissions["year"].iloc[0]) if len(emissions) else 0
    work = emissions.copy()
    ledger = _Ledger(work)
    before = ledger.mass.copy()
    container = teu.set_index("terminal")
    allowed = dict.fromkeys(container.index, 1.0)
    bound_by: dict[object, str | None] = dict.fromkeys(container.index)
    measures = measure_table(options)
    merit = _MeritOrder(measures, ledger) if len(measures) else None

    def take_measures(kind: str, name: str, pollutant: str, limit: float) -> None:
        if merit is None:
            return
        excess = ledger.total(kind, name, pollutant) - limit
        if excess <= 0:
            return
        cuts = merit.take(kind, name, pollutant, excess)
        if cuts is not None:
            # all the measures taken for this cap, applied to the emissions at once
            ledger.cut(cuts)

    terminal_caps = caps[caps["scope"] == "terminal"]
    wider_caps = caps[caps["scope"] != "terminal"].sort_values(
        "scope", key=lambda s: s.map({"port": 0, "complex": 1})
    )
    for cap in terminal_caps.to_dict("records"):
        name, pollutant, limit = str(cap["target"]), str(cap["pollutant"]), float(cap["cap_tonnes"])
        if technology_first:
            take_measures("terminal", name, pollutant, limit)
        total = ledger.total("terminal", name, pollutant)
        if turn_away and total > limit and name in allowed:
            share = limit / total if total > 0 else 1.0
            ledger.scale_terminal(name, share)
            allowed[name] *= share
            bound_by[name] = bound_by[name] or f"terminal {name} {pollutant}"
    for cap in wider_caps.to_dict("records"):
        kind, name = str(cap["scope"]), str(cap["target"])
        pollutant, limit = str(cap["pollutant"]), float(cap["cap_tonnes"])
        if technology_first:
            take_measures(kind, name, pollutant, limit)
        total = ledger.total(kind, name, pollutant)
        if not turn_away or total <= limit:
            continue
        in_scope = container.index[
            container["port"].eq(name) if kind == "port" else np.ones(len(container), bool)
        ]
        flexible = sum(ledger.total("terminal", str(t), pollutant) for t in in_scope)
        fixed = total - flexible
        factor = max(0.0, (limit - fixed) / flexible) if flexible > 0 else 1.0
        for terminal in in_scope:
            ledger.scale_terminal(str(terminal), factor)
            allowed[terminal] *= factor
            if factor < 1.0:
                bound_by[terminal] = bound_by[terminal] or f"{kind} {name} {pollutant}"
    work["mass_tonnes"] = ledger.mass

    demand = container["teu"].astype(float)
    allowed_share = pd.Series(allowed, index=container.index, name="allowed_share", dtype=float)
    terminals = pd.DataFrame(
        {
            "year": year,
            "port": container["port"],
            "terminal": container.index,
            "teu_demand": demand,
            "teu_handled": demand * allowed_share,
            "teu_turned_away": demand * (1.0 - allowed_share),
            "allowed_share": allowed_share,
            "binding_date": _binding_dates(profile, [float(a) for a in allowed_share]),
            "binding_cap": pd.Series(bound_by, index=container.index, dtype=object),
        }
    ).reset_index(drop=True)
    records = caps.to_dict("records")
    scopes = [(str(c["scope"]), str(c["target"]), str(c["pollutant"])) for c in records]
    caps_out = caps.assign(
        before_tonnes=[float(before[ledger.mask(*scope)].sum()) for scope in scopes],
        after_tonnes=[ledger.total(*scope) for scope in scopes],
    )
    caps_out["met"] = caps_out["after_tonnes"] <= caps_out["cap_tonnes"] * (1 + 1e-9) + 1e-9
    taken = merit.taken if merit is not None else {}
    return PolicyOutcome(terminals, work, taken_table(measures, taken, year), caps_out)


def daily_ledger(
    profile: pd.Series, *, handled_tonnes: float, allowed_share: float, cap_tonnes: float | None
) -> pd.DataFrame:
    r"""Return a terminal's daily ledger: cumulative emissions against its cap, day by day.

    Parameters
    ----------
    profile : Series
        Share of the year's activity on each day (:func:`portcap.forecast.daily_profile`).
    handled_tonnes : float
        The terminal's emissions of the year after the policy (technology and turn-away) [t].
    allowed_share : float
        Share of the year's cargo the terminal handles, :math:`a` (1 when nothing is turned
        away) [-].
    cap_tonnes : float or None
        The terminal's cap of the year [t] (None: no cap).

    Returns
    -------
    DataFrame
        One row per day: ``date``, ``activity_share_cumulative`` [-],
        ``cumulative_tonnes`` [t], ``cap_tonnes`` [t] and ``turning_away`` (cargo is
        turned away that day).

    Notes
    -----
    Before turn-away the terminal would emit :math:`E' = E / a` over the year, where
    :math:`E` is ``handled_tonnes``; day :math:`d` adds :math:`E' f_d`, until the day the
    cumulative activity share reaches :math:`a` (:func:`binding_date`); from then on cargo
    is turned away and the ledger stays at :math:`E`. With a terminal cap alone, :math:`E`
    equals the cap.

    Examples
    --------
    >>> days = pd.date_range("2031-01-01", "2031-12-31")
    >>> flat = pd.Series(1 / len(days), index=days)
    >>> ledger = daily_ledger(flat, handled_tonnes=50.0, allowed_share=0.5, cap_tonnes=50.0)
    >>> ledger.loc[ledger["turning_away"], "date"].iloc[0] == pd.Timestamp(
    ...     binding_date(flat, 0.5))
    True
    >>> round(float(ledger["cumulative_tonnes"].iloc[-1]), 9)
    50.0
    """
    if not 0.0 <= allowed_share <= 1.0:
        msg = f"allowed_share must lie in [0, 1], got {allowed_share}"
        raise ValueError(msg)
    if handled_tonnes < 0:
        msg = f"handled_tonnes must be >= 0, got {handled_tonnes}"
        raise ValueError(msg)
    share = profile.cumsum().to_numpy(dtype=float)
    unconstrained = handled_tonnes / allowed_share if allowed_share > 0 else 0.0
    bound = binding_date(profile, allowed_share)
    turning = (
        np.zeros(len(profile), dtype=bool)
        if bound is None
        else np.asarray(profile.index >= pd.Timestamp(bound))
    )
    cumulative = np.minimum(unconstrained * share, handled_tonnes)
    return pd.DataFrame(
        {
            "date": pd.DatetimeIndex(profile.index),
            "activity_share_cumulative": share,
            "cumulative_tonnes": cumulative,
            "cap_tonnes": np.nan if cap_tonnes is None else float(cap_tonnes),
            "turning_away": turning,
        }
    )
