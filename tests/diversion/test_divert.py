"""Tests of portcap.diversion.divert: the invariants of the issue and the input contract."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from portcap.diversion import (
    FLOW_COLUMNS,
    GATEWAY_CODES,
    LEAKAGE_COLUMNS,
    DiversionParameters,
    DiversionResult,
    alternatives,
    destinations,
    divert,
    gateways,
    logit_shares,
    origins,
)


def _turned_away(rows):
    return pd.DataFrame(rows, columns=["year", "port", "terminal", "teu"])


@pytest.fixture(scope="module")
def spare():
    return gateways().set_index("code")["spare_capacity_teu"]


@pytest.fixture(scope="module")
def heavy():
    """Two years, three terminals; 2037 turns away more than all spare capacity together."""
    rows = []
    for year, scale in ((2031, 1.0), (2037, 5.0)):
        rows += [
            (year, "POLA", "POLA_APM_PIER400", 900_000.0 * scale),
            (year, "POLB", "POLB_TTI_PIERT", 700_000.0 * scale),
            (year, "POLB", "POLB_SSA_PIERC", 0.0),
        ]
    turned_away = _turned_away(rows)
    return turned_away, divert(turned_away)


def test_result_columns(heavy):
    _, result = heavy
    assert isinstance(result, DiversionResult)
    assert tuple(result.flows.columns) == FLOW_COLUMNS
    assert tuple(result.leakage.columns) == LEAKAGE_COLUMNS
    assert set(result.flows["gateway"]) <= {*GATEWAY_CODES, "unserved"}
    assert set(result.leakage["leg"]) <= {"ocean", "port_of_call", "rail", "truck"}
    assert set(result.leakage["region"]) <= {"regional", "elsewhere"}
    assert {"nox", "pm25", "dpm", "sox", "co2e"} <= set(result.leakage["pollutant"])


def test_turned_away_equals_diverted_plus_unserved(heavy):
    turned_away, result = heavy
    totals = result.flows.groupby(["year", "terminal"])["teu"].sum()
    expected = turned_away[turned_away["teu"] > 0].set_index(["year", "terminal"])["teu"]
    assert totals.reindex(expected.index).to_numpy() == pytest.approx(expected.to_numpy())
    assert "POLB_SSA_PIERC" not in set(result.flows["terminal"])


def test_no_gateway_exceeds_its_spare_capacity(heavy, spare):
    _, result = heavy
    load = result.flows[result.flows["gateway"] != "unserved"].groupby(["year", "gateway"])["teu"]
    for (year, code), teu in load.sum().items():
        assert teu <= spare[code] * (1 + 1e-9), (year, code)


def test_capacity_binds_and_leaves_cargo_unserved(heavy, spare):
    _, result = heavy
    in_2037 = result.flows[result.flows["year"] == 2037]
    unserved = in_2037.loc[in_2037["gateway"] == "unserved", "teu"].sum()
    # D: 8.0 M TEU turned away against 6.5 M of spare capacity in all; every gateway with
    # capacity is full and the rest is unserved
    assert spare.sum() < 8_000_000
    assert unserved == pytest.approx(8_000_000 - spare.sum(), rel=1e-9)
    load = in_2037[in_2037["gateway"] != "unserved"].groupby("gateway")["teu"].sum()
    assert load.to_numpy() == pytest.approx(spare[load.index].to_numpy())


def test_capacity_is_per_year_and_shared_by_terminals(spare):
    # one terminal alone in 2031 fills Houston; with a second terminal the two share it
    alone = divert(_turned_away([(2031, "POLA", "A", 3_000_000.0)]))
    both = divert(
        _turned_away([(2031, "POLA", "A", 3_000_000.0), (2031, "POLB", "B", 3_000_000.0)])
    )
    houston_alone = alone.flows.query("gateway == 'USHOU'")["teu"].sum()
    houston_both = both.flows.query("gateway == 'USHOU'").groupby("terminal")["teu"].sum()
    assert houston_alone == pytest.approx(spare["USHOU"])
    assert houston_both.sum() == pytest.approx(spare["USHOU"])
    assert houston_both["A"] == pytest.approx(houston_both["B"])
    # another year has its own capacity
    two_years = divert(
        _turned_away([(2031, "POLA", "A", 3_000_000.0), (2032, "POLA", "A", 3_000_000.0)])
    )
    per_year = two_years.flows.query("gateway == 'USHOU'").groupby("year")["teu"].sum()
    assert per_year.to_numpy() == pytest.approx([spare["USHOU"]] * 2)


def test_small_diversion_follows_the_logit_shares():
    """With no capacity binding, flows = TEU x origin weight x zone share x logit share."""
    teu = 1_000.0
    result = divert(_turned_away([(2031, "POLA", "A", teu)]))
    table = alternatives()
    table = table[table["role"] == "gateway"]
    utility = table.pivot(index=["origin", "destination"], columns="port", values="utility")[
        list(GATEWAY_CODES)
    ]
    shares = pd.DataFrame(
        logit_shares(utility.to_numpy()), index=utility.index, columns=utility.columns
    )
    # Manzanillo has no spare capacity: its share goes to the others, so compare the ratio
    # of two open gateways per destination (the logit's IIA), and the totals
    weights = origins().set_index("origin")["weight"]
    zones = destinations().set_index("destination")["teu_share"]
    flows = result.flows.set_index(["destination", "gateway"])["teu"]
    for destination in zones.index:
        assert flows.loc[destination].sum() == pytest.approx(teu * zones[destination])
        expected = {
            code: sum(weights[o] * shares.loc[(o, destination), code] for o in weights.index)
            for code in ("NWSA", "USNYC")
        }
        assert flows[(destination, "NWSA")] / flows[(destination, "USNYC")] == pytest.approx(
            expected["NWSA"] / expected["USNYC"], rel=1e-9
        )
    assert "MXZLO" not in set(result.flows["gateway"])


def test_zero_turned_away_gives_empty_flows_and_zero_leakage():
    result = divert(_turned_away([(2031, "POLA", "A", 0.0), (2032, "POLB", "B", 0.0)]))
    assert result.flows.empty
    assert result.leakage.empty
    assert result.leakage["change_tonnes"].sum() == 0.0
    assert tuple(result.flows.columns) == FLOW_COLUMNS
    assert divert(_turned_away([])).flows.empty


def test_excluded_gateways_take_nothing():
    result = divert(
        _turned_away([(2031, "POLA", "A", 500_000.0)]), excluded_gateways=["USNYC", "USSAV"]
    )
    assert not {"USNYC", "USSAV"} & set(result.flows["gateway"])
    assert result.flows["teu"].sum() == pytest.approx(500_000.0)


def test_everything_excluded_leaves_everything_unserved():
    result = divert(_turned_away([(2031, "POLA", "A", 1_000.0)]), excluded_gateways=GATEWAY_CODES)
    assert set(result.flows["gateway"]) == {"unserved"}
    assert result.flows["teu"].sum() == pytest.approx(1_000.0)
    assert result.leakage.empty


def test_unknown_excluded_gateway_names_it_and_the_valid_codes():
    expected = r"unknown gateway 'LAX'; valid codes are: USOAK, NWSA"
    with pytest.raises(ValueError, match=expected) as info:
        divert(_turned_away([(2031, "POLA", "A", 1.0)]), excluded_gateways=["USOAK", "LAX"])
    assert all(code in str(info.value) for code in GATEWAY_CODES)


def test_diversion_to_a_longer_route_raises_worldwide_co2e():
    """Only Lázaro Cárdenas open: longer ocean and rail legs than San Pedro Bay to inland zones."""
    excluded = [code for code in GATEWAY_CODES if code != "MXLZC"]
    parameters = DiversionParameters(local_share=0.0, transload_share=0.0)
    result = divert(
        _turned_away([(2031, "POLA", "A", 10_000.0)]),
        parameters=parameters,
        excluded_gateways=excluded,
    )
    assert set(result.flows["gateway"]) == {"MXLZC"}
    co2e = result.leakage[result.leakage["pollutant"] == "co2e"]
    by_leg = co2e.groupby(["leg", "region"])["change_tonnes"].sum()
    assert by_leg[("ocean", "elsewhere")] > 0
    assert by_leg[("rail", "regional")] < 0
    assert by_leg[("port_of_call", "regional")] == pytest.approx(
        -by_leg[("port_of_call", "elsewhere")]
    )
    assert co2e["change_tonnes"].sum() > 0


def test_leakage_rows_match_flows(heavy):
    _, result = heavy
    diverted = result.flows[result.flows["gateway"] != "unserved"]
    keys = set(map(tuple, diverted[["year", "terminal", "gateway", "destination"]].to_numpy()))
    leak_keys = set(
        map(tuple, result.leakage[["year", "terminal", "gateway", "destination"]].to_numpy())
    )
    assert leak_keys <= keys
    assert "unserved" not in set(result.leakage["gateway"])


def test_divert_is_additive_over_terminals_when_capacity_is_slack():
    a = divert(_turned_away([(2031, "POLA", "A", 10_000.0)]))
    b = divert(_turned_away([(2031, "POLB", "B", 20_000.0)]))
    both = divert(_turned_away([(2031, "POLA", "A", 10_000.0), (2031, "POLB", "B", 20_000.0)]))
    for name, alone in (("A", a), ("B", b)):
        mine = both.flows[both.flows["terminal"] == name].reset_index(drop=True)
        assert mine["teu"].to_numpy() == pytest.approx(alone.flows["teu"].to_numpy())
        leak = both.leakage[both.leakage["terminal"] == name]["change_tonnes"].to_numpy()
        assert leak == pytest.approx(alone.leakage["change_tonnes"].to_numpy())


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([(2031, "POLX", "A", 1.0)], "unknown port 'POLX'"),
        ([(2031, "POLA", "A", -1.0)], "teu must be a finite number >= 0"),
        ([(2031, "POLA", "A", np.nan)], "teu must be a finite number >= 0"),
        ([(2031, "POLA", "A", 1.0), (2031, "POLA", "A", 2.0)], "twice"),
    ],
)
def test_bad_input_is_refused(rows, message):
    with pytest.raises(ValueError, match=message):
        divert(_turned_away(rows))


def test_missing_column_is_named():
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['port'\]"):
        divert(pd.DataFrame({"year": [2031], "terminal": ["A"], "teu": [1.0]}))


def test_stated_capacity_basis_serves_more(heavy):
    turned_away, result = heavy
    stated = divert(turned_away, parameters=DiversionParameters(capacity_basis="stated"))
    unserved = {
        name: r.flows.query("gateway == 'unserved'")["teu"].sum()
        for name, r in (("demonstrated", result), ("stated", stated))
    }
    assert unserved["stated"] < unserved["demonstrated"]
