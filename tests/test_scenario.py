"""Scenarios: built-ins, extends, strict validation with the key, file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from portcap import scenario as scenario_module
from portcap.scenario import ScenarioError, load_scenario, scenario_hash


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_builtins_are_listed_with_a_description() -> None:
    builtins = scenario_module.builtin_scenarios()
    assert {"baseline", "pr2304-cap"} <= set(builtins)
    assert all(description for description in builtins.values())


def test_pr2304_extends_baseline_with_two_milestones() -> None:
    cap = load_scenario("pr2304-cap")
    assert cap.extends == "baseline"
    assert cap.policy == "cap"
    assert sorted({c.effective_year for c in cap.caps}) == [2031, 2037]
    assert {c.scope for c in cap.caps} == {"complex", "each_container_terminal"}
    base = load_scenario("baseline")
    assert base.policy == "none"
    assert (base.start_year, base.end_year) == (cap.start_year, cap.end_year)


def test_a_child_changes_only_what_differs(tmp_path: Path) -> None:
    path = _write(tmp_path, "short.yaml", "extends: pr2304-cap\nend_year: 2031\n")
    child = load_scenario(path)
    parent = load_scenario("pr2304-cap")
    assert child.name == "short"
    assert child.end_year == 2031
    assert child.caps == parent.caps
    assert scenario_hash(child) != scenario_hash(parent)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("extends: baseline\npolcy: cap\n", r"line 2: unknown key 'polcy'; allowed keys here"),
        (
            "extends: baseline\npolicy: cap\ncaps:\n"
            "  - {pollutant: nox, scope: complex, limit_tonnes: -5, effective_year: 2031}\n",
            r"line 4: caps.0.limit_tonnes: Input should be greater than or equal to 0",
        ),
        (
            "extends: baseline\npolicy: cap\ncaps:\n"
            "  - {pollutant: nox, scope: complex, pct_below: 50, effective_year: 2020}\n",
            r"line 4: caps.0: milestone effective_year 2020 is before base_year 2023",
        ),
        (
            "extends: baseline\nexcluded_gateways: [USOAK, XXNOPE]\n",
            r"line 2: excluded_gateways: unknown gateway\(s\) \['XXNOPE'\]; valid codes are: USOAK",
        ),
        (
            "extends: baseline\npolicy: cap\ncaps:\n"
            "  - {pollutant: nox, scope: port, target: POLX, pct_below: 5, effective_year: 2031}\n",
            r"a port cap needs target POLA or POLB, got 'POLX'",
        ),
        (
            "extends: nowhere\n",
            r"unknown scenario 'nowhere'; built-in scenarios are: agreement, baseline",
        ),
        (
            "extends: baseline\nforecast:\n  teu_growth_per_yer: 0.02\n",
            r"line 3: unknown key 'forecast.teu_growth_per_yer'; allowed keys here: .*teu_growth",
        ),
        ("extends: baseline\nstart_year: [\n", r"not valid YAML"),
    ],
)
def test_invalid_scenarios_fail_before_running(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, "bad.yaml", text)
    with pytest.raises(ScenarioError, match=message):
        load_scenario(path)


def test_extends_loop_is_caught(tmp_path: Path) -> None:
    _write(tmp_path, "a.yaml", "extends: b.yaml\n")
    _write(tmp_path, "b.yaml", "extends: a.yaml\n")
    with pytest.raises(ScenarioError, match="extends itself in a loop"):
        load_scenario(tmp_path / "a.yaml")


def test_resolved_yaml_round_trips(tmp_path: Path) -> None:
    scenario = load_scenario("pr2304-cap")
    path = _write(tmp_path, "resolved.yaml", scenario.to_yaml().replace("extends: baseline\n", ""))
    again = load_scenario(path)
    assert again.caps == scenario.caps
    assert again.years == scenario.years
