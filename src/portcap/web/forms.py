"""The scenario editor's form: which fields it shows, and turning what was typed into a scenario.

Every value is parsed and checked here, on the server, before anything runs: numbers must
be numbers within their bounds, choices must be among the choices, and the edited
scenario passes the same validation as a scenario file
(:func:`portcap.scenario.scenario_from_mapping`). Nothing typed becomes a path, a query or
code; the scenario to start from is chosen from the built-in names only.

Examples
--------
>>> form = editor_fields("pr2304-cap")
>>> [f.name for f in form][:5]
['base', 'growth_pct', 'milestone_1', 'cap_pct_1', 'milestone_2']
>>> scenario, errors = scenario_from_form({"base": "pr2304-cap", "cap_pct_1": "140"})
>>> scenario is None, errors["cap_pct_1"]
(True, 'must be at most 100')
"""

from __future__ import annotations

import math
import types
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Union, get_args, get_origin

from portcap.scenario import (
    REGIMES_WITH_PARAMETERS,
    Scenario,
    ScenarioError,
    builtin_scenarios,
    load_scenario,
    regime_parameter_model,
    scenario_from_mapping,
)

__all__ = ["SUBMITTED", "FormField", "editor_fields", "scenario_from_form"]

DEFAULT_BASE = "pr2304-cap"
SUBMITTED = "submitted"
"""Hidden field the editor's HTML form sends, so that an unticked checkbox reads as false."""
_MAX_TEXT = 64


@dataclass(frozen=True)
class FormField:
    """One input of the editor."""

    name: str
    label: str
    kind: str
    """``choice``, ``float``, ``int`` or ``bool``."""
    value: object
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    help: str = ""


def _milestones(scenario: Scenario) -> list[int]:
    return sorted({cap.effective_year for cap in scenario.caps})


def _cap_pct(scenario: Scenario, year: int) -> float | None:
    values = [c.pct_below for c in scenario.caps if c.effective_year == year]
    return values[0] if values and values[0] is not None else None


def _scalar_kind(annotation: Any) -> str | None:
    """``float``, ``int`` or ``bool`` for scalar (optionally None-able) annotations."""
    if get_origin(annotation) in (Union, types.UnionType):
        parts = [a for a in get_args(annotation) if a is not type(None)]
        if len(parts) != 1:
            return None
        annotation = parts[0]
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    if annotation is float:
        return "float"
    return None


def _regime_fields(scenario: Scenario) -> list[FormField]:
    if scenario.policy not in REGIMES_WITH_PARAMETERS:
        return []
    model = regime_parameter_model(scenario.policy)
    current = model.model_validate(getattr(scenario, scenario.policy)).model_dump()
    fields = []
    for name, info in model.model_fields.items():
        kind = _scalar_kind(info.annotation)
        if kind is None:
            continue
        description = " ".join((info.description or "").split()).split(". ")[0]
        fields.append(
            FormField(
                name=f"{scenario.policy}.{name}",
                label=f"{scenario.policy}: {name}",
                kind=kind,
                value=current.get(name),
                help=description,
            )
        )
    return fields


def editor_fields(base: str = DEFAULT_BASE) -> list[FormField]:
    """Return the editor's inputs for a built-in scenario, filled with that scenario's values."""
    names = tuple(sorted(builtin_scenarios()))
    if base not in names:
        base = DEFAULT_BASE
    scenario = load_scenario(base)
    growth = float(scenario.forecast.get("teu_growth_per_year", _default_growth()))
    fields = [
        FormField(
            "base",
            "Policy regime (built-in scenario to start from)",
            "choice",
            base,
            choices=names,
            help=builtin_scenarios()[base],
        ),
        FormField(
            "growth_pct",
            "Container growth [% per year]",
            "float",
            round(growth * 100, 6),
            minimum=-10.0,
            maximum=20.0,
            help="Yearly growth of TEU demand (forecast.teu_growth_per_year).",
        ),
    ]
    for position, year in enumerate(_milestones(scenario)[:2], start=1):
        fields += [
            FormField(
                f"milestone_{position}",
                f"Milestone {position}: first year",
                "int",
                year,
                minimum=scenario.base_year,
                maximum=2100,
                help="Year the caps of this milestone take effect.",
            ),
            FormField(
                f"cap_pct_{position}",
                f"Milestone {position}: cap [% below {_reference(scenario)}]",
                "float",
                _cap_pct(scenario, year),
                minimum=0.0,
                maximum=100.0,
                help="Every cap of this milestone (complex and each terminal).",
            ),
        ]
    if scenario.caps:
        fields.append(
            FormField(
                "turn_away",
                "Terminals turn cargo away once a cap is reached",
                "bool",
                scenario.turn_away,
            )
        )
    return fields + _regime_fields(scenario)


def _reference(scenario: Scenario) -> str:
    years = {c.reference_year or scenario.base_year for c in scenario.caps}
    return ", ".join(str(y) for y in sorted(years)) or str(scenario.base_year)


def _default_growth() -> float:
    from portcap.forecast import ForecastParameters

    return float(ForecastParameters().teu_growth_per_year)


def _parse(field: FormField, raw: str | None) -> tuple[object, str | None]:
    """Parse one typed value; return (value, error message or None)."""
    if field.kind == "bool":
        return raw in ("on", "true", "1", "yes"), None
    text = (raw or "").strip()
    if len(text) > _MAX_TEXT:
        return None, f"is too long (at most {_MAX_TEXT} characters)"
    if field.kind == "choice":
        if text not in field.choices:
            return None, f"must be one of {', '.join(field.choices)}"
        return text, None
    if text == "":
        if field.value is None:
            return None, None
        return None, "is required"
    value: float | int
    try:
        value = int(text) if field.kind == "int" else float(text)
    except ValueError:
        return None, f"must be {'a whole number' if field.kind == 'int' else 'a number'}"
    if isinstance(value, float) and not math.isfinite(value):
        return None, "must be a finite number"
    if field.minimum is not None and value < field.minimum:
        return None, f"must be at least {field.minimum:g}"
    if field.maximum is not None and value > field.maximum:
        return None, f"must be at most {field.maximum:g}"
    return value, None


_FIELD_OF_KEY = {"forecast.teu_growth_per_year": "growth_pct", "turn_away": "turn_away"}


def scenario_from_form(form: Mapping[str, str]) -> tuple[Scenario | None, dict[str, str]]:
    """Build and validate the edited scenario.

    Parameters
    ----------
    form : mapping of str to str
        The submitted fields (missing fields keep the base scenario's values; unknown
        fields are refused).

    Returns
    -------
    (Scenario or None, dict of field name to message)
        The scenario when every value is valid; otherwise None and why, per field
        (``"_scenario"`` for problems of the scenario as a whole).
    """
    base_name = str(form.get("base", DEFAULT_BASE))
    if base_name not in builtin_scenarios():
        return None, {"base": f"must be one of {', '.join(sorted(builtin_scenarios()))}"}
    fields = {f.name: f for f in editor_fields(base_name)}
    unknown = sorted(set(form) - set(fields) - {SUBMITTED})
    errors: dict[str, str] = dict.fromkeys(unknown, "is not a field of this form")
    values: dict[str, object] = {}
    for name, field in fields.items():
        if field.kind == "bool" and SUBMITTED in form:
            # an unticked checkbox is not sent by a browser: absent means false
            values[name] = _parse(field, form.get(name))[0]
            continue
        if name not in form:
            values[name] = field.value
            continue
        value, problem = _parse(field, form[name])
        if problem:
            errors[name] = problem
        values[name] = value
    first, second = values.get("milestone_1"), values.get("milestone_2")
    if isinstance(first, int) and isinstance(second, int) and second <= first:
        errors["milestone_2"] = "must be after milestone 1"
    if errors:
        return None, errors
    base = load_scenario(base_name)
    data: dict[str, Any] = base.model_dump(mode="json")
    data.update(name=f"{base.name}-edited", extends=None)
    data["description"] = f"{base.description} (edited in the dashboard)"
    growth = float(values["growth_pct"])  # type: ignore[arg-type]
    data["forecast"] = {**data["forecast"], "teu_growth_per_year": round(growth / 100, 12)}
    old_years = _milestones(base)
    for position, old_year in enumerate(old_years[:2], start=1):
        for cap in data["caps"]:
            if cap["effective_year"] == old_year:
                cap["effective_year"] = values[f"milestone_{position}"]
                cap["pct_below"] = values[f"cap_pct_{position}"]
    if "turn_away" in values:
        data["turn_away"] = bool(values["turn_away"])
    for name, value in values.items():
        section, _, key = name.partition(".")
        if key and section in REGIMES_WITH_PARAMETERS:
            data[section] = {**data.get(section, {}), key: value}
    try:
        return scenario_from_mapping(data, label="the form"), {}
    except ScenarioError as error:
        return None, _errors_by_field(str(error), old_years)


def _errors_by_field(message: str, milestones: list[int]) -> dict[str, str]:
    """Attach each line of a scenario error to the form field it is about, where one is."""
    errors: dict[str, str] = {}
    for line in message.splitlines()[1:]:
        text = line.strip().removeprefix("the form: ")
        key, _, reason = text.partition(": ")
        field = _FIELD_OF_KEY.get(key)
        if key.startswith(("caps.", "caps[")):
            field = "_scenario"
        elif key.split(".")[0] in REGIMES_WITH_PARAMETERS and key.count(".") == 1:
            field = key
        errors[field or "_scenario"] = (
            f"{errors[field]}; {reason or text}" if field in errors else (reason or text)
        )
    return errors or {"_scenario": message}
