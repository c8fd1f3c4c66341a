"""Reconciliation of the modelled inventory with the ports' published figures.

:func:`reconcile` runs the whole-port inventory (:mod:`portcap.port_inventory`) for the
years that the published figures of an activity set (``published.csv``) name, and sets
model and published values side by side with a tolerance and a verdict:

* ``change``: the change of a pollutant's total between two years, in percent, for POLA,
  POLB and both ports (``all``). The ports publish their yearly inventories as
  reductions from 2005; the tolerance is in percentage points.
* ``teu``: the TEU the model carries for a port and year against the published TEU
  (relative tolerance in percent). The throughput is an input of the activity set, so
  this row checks the data, not the physics.
* ``tonnage_<source>``: a published absolute tonnage of one source category, or of all
  (``tonnage_total``), in short tons; relative tolerance in percent. Absolute tonnages
  come from older report vintages (the ports restate 2005 in every report), hence the
  wider tolerance.

Only the ports' inventory categories (ships, harbor craft, cargo-handling equipment,
trucks, rail) enter the totals, as in the published inventories.

Examples
--------
>>> table = reconcile()
>>> sorted(table["check"].unique())  # doctest: +NORMALIZE_WHITESPACE
['change', 'teu', 'tonnage_cargo_handling', 'tonnage_ogv', 'tonnage_total',
 'tonnage_truck']
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from portcap import units
from portcap.baseline import PORTS, ActivitySet, load_activity_set
from portcap.errors import InputError
from portcap.port_inventory import DEFAULT_SOURCES, InventoryOptions, port_inventory

__all__ = ["RECONCILIATION_COLUMNS", "reconcile"]

RECONCILIATION_COLUMNS: tuple[str, ...] = (
    "check",
    "port",
    "pollutant",
    "year_from",
    "year_to",
    "modelled",
    "published",
    "unit",
    "difference",
    "tolerance",
    "tolerance_unit",
    "passed",
    "source_id",
    "source_locator",
)
"""Columns of the reconciliation table."""


def reconcile(
    activity_set: ActivitySet | None = None, options: InventoryOptions | None = None
) -> pd.DataFrame:
    """Model and published figures side by side, each with its tolerance and verdict.

    Parameters
    ----------
    activity_set : ActivitySet, optional
        Default: the packaged San Pedro Bay baseline (its ``published.csv``).
    options : InventoryOptions, optional
        Inventory methods (light-duty vehicles are never counted here).

    Returns
    -------
    DataFrame
        :data:`RECONCILIATION_COLUMNS`: ``difference`` is model minus published in
        percentage points for changes, and in percent of the published value for TEU and
        tonnages; ``passed`` is ``abs(difference) <= tolerance``.

    Raises
    ------
    InputError
        If the activity set has no published figures.
    """
    activity_set = activity_set or load_activity_set()
    options = (options or InventoryOptions()).model_copy(update={"sources": DEFAULT_SOURCES})
    published = activity_set["published"]
    if published.empty:
        raise InputError(f"{activity_set.path}: no published.csv to reconcile with")
    years = sorted(set(published["year_from"]) | set(published["year_to"]))
    totals = _totals(activity_set, options, years)
    rows: list[dict[str, object]] = []
    for record in published.to_dict("records"):
        row = _Published(**{k: record[k] for k in _Published.__annotations__})
        ports = list(PORTS) if row.port == "all" else [str(row.port)]
        if row.check == "change":
            before = _sum(totals, int(row.year_from), ports, pollutant=str(row.pollutant))
            after = _sum(totals, int(row.year_to), ports, pollutant=str(row.pollutant))
            modelled = 100.0 * (after / before - 1.0) if before > 0 else float("nan")
            difference = modelled - float(row.published)
            tolerance_unit = "percentage_points"
        elif row.check == "teu":
            modelled = sum(activity_set.parameter(int(row.year_to), p, "teu") for p in ports)
            difference = 100.0 * (modelled / float(row.published) - 1.0)
            tolerance_unit = "pct_of_published"
        elif str(row.check).startswith("tonnage_"):
            source = str(row.check).removeprefix("tonnage_")
            tonnes = _sum(
                totals,
                int(row.year_to),
                ports,
                pollutant=str(row.pollutant),
                source=None if source == "total" else source,
            )
            modelled = tonnes * units.SHORT_TONS_PER_TONNE
            difference = 100.0 * (modelled / float(row.published) - 1.0)
            tolerance_unit = "pct_of_published"
        else:
            raise InputError(
                f"{activity_set.path / 'published.csv'}: unknown check {row.check!r}; "
                "expected 'change', 'teu', 'tonnage_<source>' or 'tonnage_total'"
            )
        rows.append(
            {
                "check": row.check,
                "port": row.port,
                "pollutant": row.pollutant,
                "year_from": int(row.year_from),
                "year_to": int(row.year_to),
                "modelled": modelled,
                "published": float(row.published),
                "unit": row.unit,
                "difference": difference,
                "tolerance": float(row.tolerance),
                "tolerance_unit": tolerance_unit,
                "passed": bool(abs(difference) <= float(row.tolerance)),
                "source_id": row.source_id,
                "source_locator": row.source_locator,
            }
        )
    return pd.DataFrame(rows, columns=list(RECONCILIATION_COLUMNS))


@dataclass(frozen=True)
class _Published:
    check: str
    port: str
    pollutant: str | None
    year_from: int
    year_to: int
    published: float
    unit: str
    tolerance: float
    source_id: str | None
    source_locator: str | None


def _totals(activity_set: ActivitySet, options: InventoryOptions, years: list[int]) -> pd.DataFrame:
    frames = []
    for year in years:
        if year not in activity_set.years:
            raise InputError(
                f"{activity_set.path / 'published.csv'} names year {year}, which the activity "
                f"set does not cover ({', '.join(str(y) for y in activity_set.years)})"
            )
        emissions = port_inventory(year, activity_set=activity_set, options=options).emissions
        frames.append(
            emissions.groupby(["year", "port", "source", "pollutant"], as_index=False).agg(
                mass_tonnes=("mass_tonnes", "sum")
            )
        )
    return pd.concat(frames, ignore_index=True)


def _sum(
    totals: pd.DataFrame,
    year: int,
    ports: list[str],
    *,
    pollutant: str,
    source: str | None = None,
) -> float:
    mask = (
        (totals["year"] == year) & totals["port"].isin(ports) & (totals["pollutant"] == pollutant)
    )
    if source is not None:
        mask &= totals["source"] == source
    return float(totals.loc[mask, "mass_tonnes"].sum())
