"""Scenarios: what to run, as validated YAML that names its base and changes only what differs.

A scenario file is a YAML mapping. ``extends: <name or path>`` takes another scenario as
the base; the file then gives only what differs (mappings merge key by key, lists and
scalars replace). Built-in scenarios live in the ``scenarios/`` folder of the project
(packaged as ``portcap/scenarios``): ``baseline`` (the rules in force only) and
``pr2304-cap`` (the Proposed Rule 2304 concept). Validation is strict: an unknown key, a
negative cap, a milestone before the base year or an unknown gateway fails before
anything runs, with the key, the file and line, and what is allowed
(:class:`ScenarioError`).

Examples
--------
>>> scenario = load_scenario("pr2304-cap")
>>> scenario.name, scenario.policy, [cap.effective_year for cap in scenario.caps][:2]
('pr2304-cap', 'cap', [2031, 2031])
>>> scenario.extends
'baseline'
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from portcap import factors
from portcap.baseline import PORTS
from portcap.errors import InputError

__all__ = [
    "MILESTONES",
    "CapRecord",
    "Scenario",
    "ScenarioError",
    "builtin_scenarios",
    "load_scenario",
    "regime_parameter_model",
    "scenario_from_mapping",
    "stage_models",
    "scenario_hash",
]

REGIMES_WITH_PARAMETERS: tuple[str, ...] = ("funding", "points_fee", "trading", "agreement")
"""Policies whose parameters a scenario gives under the key of the same name."""

MILESTONES: tuple[int, ...] = (2031, 2037)
"""The milestone years of the PR 2304 concept (2031, and 2037 "where no flexibility would be
granted"): the years the comparison, the reports and the ensemble summaries show."""


class ScenarioError(InputError):
    """An invalid scenario: the message names the key, the file and line, and what is allowed."""


class CapRecord(BaseModel):
    """One emissions cap.

    A cap limits the yearly mass of one pollutant over a scope: the whole complex
    (``complex``), one port (``port``, with ``target`` POLA or POLB), one terminal
    (``terminal``, with ``target`` a terminal code) or every container terminal
    (``each_container_terminal``). The limit is either absolute (``limit_tonnes``) or a
    percentage below the scope's emissions in ``reference_year`` (``pct_below``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    pollutant: str = "nox"
    """Pollutant code (``factors.POLLUTANTS``)."""
    scope: Literal["complex", "port", "terminal", "each_container_terminal"]
    """What the cap covers."""
    target: str | None = None
    """Port code for ``port``, terminal code for ``terminal``; empty otherwise."""
    limit_tonnes: float | None = Field(default=None, ge=0)
    """Absolute yearly limit [t]."""
    pct_below: float | None = Field(default=None, ge=0, le=100)
    """Limit as a percentage below the reference year's emissions [%]."""
    reference_year: int | None = None
    """Year whose emissions ``pct_below`` refers to (default: the scenario's base year)."""
    effective_year: int = Field(ge=1990, le=2100)
    """First year the cap applies (a later cap of the same scope and pollutant replaces it)."""

    @model_validator(mode="after")
    def _check(self) -> CapRecord:
        if self.pollutant not in factors.POLLUTANTS:
            msg = f"pollutant {self.pollutant!r} is not one of {', '.join(factors.POLLUTANTS)}"
            raise ValueError(msg)
        if (self.limit_tonnes is None) == (self.pct_below is None):
            msg = "give exactly one of limit_tonnes and pct_below"
            raise ValueError(msg)
        if self.scope == "port" and self.target not in PORTS:
            msg = f"a port cap needs target POLA or POLB, got {self.target!r}"
            raise ValueError(msg)
        if self.scope == "terminal" and not self.target:
            msg = "a terminal cap needs target: a terminal code"
            raise ValueError(msg)
        if self.scope in ("complex", "each_container_terminal") and self.target is not None:
            msg = f"scope {self.scope!r} takes no target"
            raise ValueError(msg)
        return self


class Scenario(BaseModel):
    """A validated scenario (see the module docstring for the file format)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    """Short name (the built-in ones are the file names)."""
    description: str = ""
    """One line saying what the scenario is."""
    extends: str | None = None
    """The base scenario this one changes (name of a built-in scenario or a path)."""
    base_year: int = Field(default=2023, ge=1990, le=2100)
    """Year of the observed inventory the forecast starts from."""
    start_year: int = Field(default=2024, ge=1990, le=2100)
    """First modelled year."""
    end_year: int = Field(default=2040, ge=1990, le=2100)
    """Last modelled year."""
    policy: Literal["none", "cap", "funding", "points_fee", "trading", "agreement"] = "none"
    """Regime: ``none`` (rules in force only), ``cap`` (caps with turn-away), ``funding``
    (technology funding), ``points_fee`` (points and mitigation fee), ``trading``
    (emissions trading) or ``agreement`` (infrastructure agreement)."""
    caps: tuple[CapRecord, ...] = ()
    """The caps of the ``cap`` regime."""
    technology_first: bool = True
    """Terminals take clean-technology measures (cheapest per tonne first) before turn-away."""
    turn_away: bool = True
    """Terminals turn cargo away for the rest of the year once a cap is reached."""
    excluded_gateways: tuple[str, ...] = ()
    """Gateways diverted cargo may not use (codes of ``portcap.diversion.GATEWAY_CODES``)."""
    forecast: dict[str, Any] = Field(default_factory=dict)
    """Changes to ``portcap.forecast.ForecastParameters``."""
    diversion: dict[str, Any] = Field(default_factory=dict)
    """Changes to ``portcap.diversion.DiversionParameters``."""
    economy: dict[str, Any] = Field(default_factory=dict)
    """Changes to ``portcap.economy.EconomyParameters``."""
    technology: dict[str, Any] = Field(default_factory=dict)
    """Changes to ``portcap.policy.technology.TechnologyParameters``."""
    funding: dict[str, Any] = Field(default_factory=dict)
    """Parameters of the ``funding`` regime (``portcap.policy.funding.FundingParameters``)."""
    points_fee: dict[str, Any] = Field(default_factory=dict)
    """Parameters of the ``points_fee`` regime (``portcap.policy.points_fee``)."""
    trading: dict[str, Any] = Field(default_factory=dict)
    """Parameters of the ``trading`` regime (``portcap.policy.trading``)."""
    agreement: dict[str, Any] = Field(default_factory=dict)
    """Parameters of the ``agreement`` regime (``portcap.policy.agreement``)."""
    uncertainty: dict[str, Any] = Field(default_factory=dict)
    """Distributions of uncertain parameters for ``portcap ensemble``
    (``portcap.ensemble.Uncertainty``: ``parameters`` and ``correlations``)."""

    @model_validator(mode="after")
    def _check(self) -> Scenario:
        if self.start_year <= self.base_year:
            msg = f"start_year {self.start_year} must be after base_year {self.base_year}"
            raise ValueError(msg)
        if self.end_year < self.start_year:
            msg = f"end_year {self.end_year} is before start_year {self.start_year}"
            raise ValueError(msg)
        for position, cap in enumerate(self.caps):
            if cap.effective_year < self.base_year:
                msg = (
                    f"caps[{position}]: milestone effective_year {cap.effective_year} is before "
                    f"base_year {self.base_year}"
                )
                raise ValueError(msg)
            if cap.reference_year is not None and cap.reference_year > self.base_year:
                msg = (
                    f"caps[{position}]: reference_year {cap.reference_year} is after base_year "
                    f"{self.base_year} (only observed years can be references)"
                )
                raise ValueError(msg)
        if self.policy == "cap" and not self.caps:
            msg = "policy 'cap' needs at least one entry in caps"
            raise ValueError(msg)
        return self

    @property
    def years(self) -> list[int]:
        """Modelled years, start to end."""
        return list(range(self.start_year, self.end_year + 1))

    def to_yaml(self) -> str:
        """Return the resolved scenario as YAML (no ``extends``: everything spelt out)."""
        data = self.model_dump(mode="json")
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def scenario_hash(scenario: Scenario) -> str:
    """Return a short SHA-256 of the resolved scenario (the same inputs give the same hash).

    Examples
    --------
    >>> scenario_hash(load_scenario("baseline")) == scenario_hash(load_scenario("baseline"))
    True
    """
    canonical = json.dumps(scenario.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _scenario_folders() -> list[Path]:
    packaged = Path(str(resources.files("portcap"))) / "scenarios"
    source_tree = Path(__file__).resolve().parents[2] / "scenarios"
    return [folder for folder in (packaged, source_tree) if folder.is_dir()]


def builtin_scenarios() -> dict[str, str]:
    """Return the built-in scenarios: name -> one-line description.

    Examples
    --------
    >>> {"baseline", "pr2304-cap"} <= set(builtin_scenarios())
    True
    """
    found: dict[str, str] = {}
    for folder in _scenario_folders():
        for path in sorted(folder.glob("*.yaml")):
            if path.stem not in found:
                raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
                found[path.stem] = str(raw.get("description", "")) if isinstance(raw, dict) else ""
    return found


def _find(name_or_path: str | Path, relative_to: Path | None = None) -> Path:
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml"):
        if not candidate.is_absolute() and relative_to is not None:
            beside = relative_to.parent / candidate
            if beside.is_file():
                return beside
        if candidate.is_file():
            return candidate
        raise ScenarioError(f"scenario file not found: {candidate}")
    for folder in _scenario_folders():
        path = folder / f"{name_or_path}.yaml"
        if path.is_file():
            return path
    names = ", ".join(sorted(builtin_scenarios()))
    raise ScenarioError(
        f"unknown scenario {str(name_or_path)!r}; built-in scenarios are: {names} "
        "(or give the path of a .yaml file)"
    )


def _compose(path: Path) -> tuple[dict[str, Any], yaml.Node | None]:
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ScenarioError(f"{path}: not valid YAML: {error}") from error
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}: a scenario must be a mapping of keys to values")
    return data, node


def _line_of(node: yaml.Node | None, location: tuple[Any, ...]) -> int | None:
    """1-based line of the YAML node at ``location`` (keys and list positions), if present."""
    line = None
    for key in location:
        if isinstance(node, yaml.MappingNode):
            match = None
            for key_node, value_node in node.value:
                if key_node.value == key:
                    match = (key_node, value_node)
                    break
            if match is None:
                return line
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            if key >= len(node.value):
                return line
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _where(source: Path | str, location: tuple[Any, ...]) -> str:
    """Say where a key is: ``file, line N`` for a scenario file, or the label of a mapping.

    ``source`` is a scenario file, or a label (``str``) for a scenario given as a mapping
    (e.g. ``"the scenario form"``), which has no lines to point to.
    """
    if isinstance(source, str):
        return source
    _data, node = _compose(source)
    line = _line_of(node, location)
    return f"{source}, line {line}" if line else str(source)


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _resolve(path: Path, seen: tuple[Path, ...]) -> tuple[dict[str, Any], dict[str, Path]]:
    """Merge a scenario with its bases; also return the file each top-level key came from."""
    if path.resolve() in seen:
        chain = " -> ".join(str(p) for p in (*seen, path.resolve()))
        raise ScenarioError(f"scenario extends itself in a loop: {chain}")
    data, _node = _compose(path)
    origin = dict.fromkeys(data, path)
    base_name = data.get("extends")
    if base_name is None:
        return data, origin
    if not isinstance(base_name, str):
        raise ScenarioError(f"{path}: key 'extends' must be a scenario name or path")
    base_path = _find(base_name, relative_to=path)
    base_data, base_origin = _resolve(base_path, (*seen, path.resolve()))
    merged = _merge(base_data, data)
    return merged, {**base_origin, **origin}


def load_scenario(name_or_path: str | Path | None = None) -> Scenario:
    """Read, resolve (``extends``) and validate a scenario.

    Parameters
    ----------
    name_or_path : str or Path, optional
        A built-in scenario name or a YAML file. Default: ``pr2304-cap``.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        For unknown scenarios, YAML errors and invalid values, naming the key, the file
        and line and what is allowed. Gateways are checked against
        :data:`portcap.diversion.GATEWAY_CODES`.
    """
    path = _find(name_or_path or "pr2304-cap")
    data, origin = _resolve(path, ())
    own, _node = _compose(path)
    # name, description and base are the file's own, never inherited
    data["name"] = own.get("name", path.stem)
    data["description"] = own.get("description", "")
    data["extends"] = own.get("extends")
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        raise _scenario_error(error, origin, path) from None
    _check_gateways(scenario, origin.get("excluded_gateways", path))
    _check_stage_parameters(scenario, origin, path)
    _check_uncertainty(scenario, origin.get("uncertainty", path))
    return scenario


def scenario_from_mapping(data: Mapping[str, Any], *, label: str = "scenario") -> Scenario:
    """Validate a resolved scenario given as a mapping (no ``extends``), as strictly as a file.

    This is how a scenario edited in a form (the dashboard's editor) or built in code is
    checked: the same model, stage parameters, gateways and uncertainty checks as
    :func:`load_scenario`, with ``label`` in place of a file and line in the messages.

    Parameters
    ----------
    data : mapping
        The scenario's fields, e.g. ``Scenario.model_dump()`` of a loaded scenario with
        some values changed.
    label : str
        Where the values came from, for the messages.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        Naming each invalid key and what is allowed.

    Examples
    --------
    >>> base = load_scenario("pr2304-cap").model_dump()
    >>> base["caps"][0]["pct_below"] = 120
    >>> scenario_from_mapping(base, label="the form")
    Traceback (most recent call last):
    ...
    portcap.scenario.ScenarioError: invalid scenario:
      the form: caps.0.pct_below: Input should be less than or equal to 100
    """
    try:
        scenario = Scenario.model_validate(dict(data))
    except ValidationError as error:
        raise _scenario_error(error, {}, label) from None
    _check_gateways(scenario, label)
    _check_stage_parameters(scenario, {}, label)
    _check_uncertainty(scenario, label)
    return scenario


def _check_uncertainty(scenario: Scenario, path: Path | str) -> None:
    """Validate the ``uncertainty`` section: distributions, and paths that exist."""
    if not scenario.uncertainty:
        return
    from portcap.ensemble import Uncertainty, apply_draw  # local: ensemble imports this module

    try:
        uncertainty = Uncertainty.model_validate(scenario.uncertainty)
    except ValidationError as error:
        problems = []
        for problem in error.errors():
            location = ("uncertainty", *problem["loc"])
            where = _where(path, location)
            name = ".".join(str(part) for part in location)
            message = str(problem["msg"]).removeprefix("Value error, ")
            problems.append(f"{where}: {name}: {message}")
        raise ScenarioError("invalid scenario:\n  " + "\n  ".join(problems)) from None
    for name, distribution in uncertainty.parameters.items():
        value = float(distribution.ppf(np.array([0.5]))[0])
        try:
            changed = apply_draw(scenario, {name: value})
            section = name.split(".")[0]
            models = stage_models(changed)
            if section in models:
                models[section].model_validate(getattr(changed, section))
            elif section not in Scenario.model_fields or section == "uncertainty":
                msg = f"no section {section!r}"
                raise KeyError(msg)
        except (
            ValidationError,
            ValueError,
            KeyError,
            IndexError,
            TypeError,
            AttributeError,
        ) as error:
            where = _where(path, ("uncertainty", "parameters", name))
            raise ScenarioError(
                f"invalid scenario:\n  {where}: uncertainty.parameters: {name!r} is not a "
                f"parameter this scenario can take ({str(error).splitlines()[0]})"
            ) from None


def regime_parameter_model(policy: str) -> type[BaseModel]:
    """Return the parameter model of a regime with parameters (``funding``, ``trading`` ...).

    The model is the one pydantic class whose name ends in ``Parameters`` that the
    regime's module ``portcap.policy.<policy>`` lists in its ``__all__``.
    """
    import importlib

    factors.check_choice(policy, REGIMES_WITH_PARAMETERS, "policy")
    module = importlib.import_module(f"portcap.policy.{policy}")
    names = [n for n in getattr(module, "__all__", []) if n.endswith("Parameters")]
    if len(names) != 1:
        msg = f"portcap.policy.{policy} must export one *Parameters model, found {names}"
        raise TypeError(msg)
    model = getattr(module, names[0])
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        msg = f"portcap.policy.{policy}.{names[0]} is not a pydantic model"
        raise TypeError(msg)
    return model


def stage_models(scenario: Scenario) -> dict[str, type[BaseModel]]:
    """Return the parameter model of each section a run of ``scenario`` reads.

    The four stages (``forecast``, ``diversion``, ``economy``, ``technology``) and each
    regime with parameters that is the scenario's policy or that it gives values for.
    """
    # local imports: the stages import much more than a scenario needs
    from portcap import economy, forecast
    from portcap.diversion import DiversionParameters
    from portcap.policy.technology import TechnologyParameters

    models: dict[str, type[BaseModel]] = {
        "forecast": forecast.ForecastParameters,
        "diversion": DiversionParameters,
        "economy": economy.EconomyParameters,
        "technology": TechnologyParameters,
    }
    for policy in REGIMES_WITH_PARAMETERS:
        if policy == scenario.policy or getattr(scenario, policy):
            models[policy] = regime_parameter_model(policy)
    return models


def _check_stage_parameters(
    scenario: Scenario, origin: Mapping[str, Path | str], path: Path | str
) -> None:
    """Validate the changes to each stage's parameters now, not in the middle of a run."""
    problems: list[str] = []
    for key, model in stage_models(scenario).items():
        changes = getattr(scenario, key)
        if not changes and key != scenario.policy:
            continue
        try:
            model.model_validate(changes)
        except ValidationError as error:
            source = origin.get(key, path)
            for problem in error.errors():
                location = (key, *problem["loc"])
                where = _where(source, location)
                name = ".".join(str(part) for part in location)
                if problem["type"] == "extra_forbidden":
                    allowed = ", ".join(model.model_fields)
                    problems.append(f"{where}: unknown key {name!r}; allowed keys here: {allowed}")
                else:
                    message = str(problem["msg"]).removeprefix("Value error, ")
                    problems.append(f"{where}: {name}: {message}")
    if problems:
        raise ScenarioError("invalid scenario:\n  " + "\n  ".join(problems))


def _scenario_error(
    error: ValidationError, origin: Mapping[str, Path | str], path: Path | str
) -> ScenarioError:
    lines = []
    for problem in error.errors():
        location = tuple(problem["loc"])
        message = str(problem["msg"]).removeprefix("Value error, ")
        pointer = re.match(r"(\w+)\[(\d+)\]: ", message)
        if not location and pointer:  # a whole-scenario check that names one list entry
            location = (pointer.group(1), int(pointer.group(2)))
            message = message[pointer.end() :]
        top = location[0] if location else None
        source = origin.get(str(top), path) if top is not None else path
        key = ".".join(str(part) for part in location) or "(top level)"
        where = _where(source, location)
        if problem["type"] == "extra_forbidden":
            allowed = _allowed_keys(location)
            lines.append(f"{where}: unknown key {key!r}; allowed keys here: {allowed}")
        else:
            lines.append(f"{where}: {key}: {message}")
    return ScenarioError("invalid scenario:\n  " + "\n  ".join(lines))


def _allowed_keys(location: tuple[Any, ...]) -> str:
    model: type[BaseModel] = CapRecord if location and location[0] == "caps" else Scenario
    return ", ".join(model.model_fields)


def _check_gateways(scenario: Scenario, path: Path | str) -> None:
    if not scenario.excluded_gateways:
        return
    from portcap.diversion import GATEWAY_CODES  # local: diversion loads its data lazily

    unknown = [code for code in scenario.excluded_gateways if code not in GATEWAY_CODES]
    if unknown:
        where = _where(path, ("excluded_gateways",))
        raise ScenarioError(
            f"{where}: excluded_gateways: unknown gateway(s) {unknown}; valid codes are: "
            f"{', '.join(GATEWAY_CODES)}"
        )
