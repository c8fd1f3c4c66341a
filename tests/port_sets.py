"""Helpers that write small activity sets (user folders) for the inventory tests."""

from __future__ import annotations

from pathlib import Path

TERMINALS = """terminal,name,port,kind,teu_share
POLB_TEST_A,Test terminal A,POLB,container,0.75
POLB_TEST_B,Test terminal B,POLB,container,0.25
POLB_CRUISE,Cruise,POLB,cruise,
"""


def parameters(year: int, *, sulfur: float, in_eca: int, teu: float = 1_000_000) -> str:
    """Return parameters.csv text for one POLB year (VSR off: fixed speeds)."""
    rows = {
        "teu": (teu, "teu"),
        "teu_per_box": (2.0, "teu_per_box"),
        "truck_legs_per_box": (2.5, "legs_per_box"),
        "truck_miles_per_leg": (20.0, "mile"),
        "truck_idle_h_per_leg": (0.5, "h"),
        "on_dock_rail_share": (0.2, "fraction"),
        "off_dock_rail_share": (0.1, "fraction"),
        "rail_line_haul_miles": (90.0, "mile"),
        "rail_switch_locomotives": (2.0, "count"),
        "rail_switch_hours_per_locomotive": (1000.0, "h"),
        "rail_switch_rated_hp": (2000.0, "hp"),
        "ogv_fuel_sulfur_pct_mass": (sulfur, "pct_mass"),
        "ogv_in_eca": (in_eca, "flag"),
        "vsr_20nmi_compliance": (0.0, "fraction"),
        "vsr_40nmi_compliance": (0.0, "fraction"),
        "diesel_sulfur_ppm_truck": (15.0, "ppm_mass"),
        "diesel_sulfur_ppm_che": (15.0, "ppm_mass"),
        "diesel_sulfur_ppm_harbor_craft": (15.0, "ppm_mass"),
        "diesel_sulfur_ppm_locomotive": (15.0, "ppm_mass"),
        "light_duty_worker_jobs": (1000.0, "count"),
        "light_duty_cruise_passengers": (10000.0, "count"),
        "light_duty_miles_per_trip": (10.0, "mile"),
    }
    lines = ["year,port,parameter,value,unit"]
    lines += [f"{year},POLB,{name},{value},{unit}" for name, (value, unit) in rows.items()]
    return "\n".join(lines) + "\n"


def write_set(folder: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (name -> text) into ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
