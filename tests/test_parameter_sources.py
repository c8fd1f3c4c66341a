"""Every sourced parameter default points at an entry of the one bibliography."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from portcap import economy, factors, forecast
from portcap.policy import agreement, funding, health, points_fee, technology, trading

MODELS: list[type[BaseModel]] = [
    forecast.ForecastParameters,
    economy.EconomyParameters,
    technology.TechnologyParameters,
    health.HealthParameters,
    funding.FundingParameters,
    points_fee.PointsFeeParameters,
    trading.TradingParameters,
    agreement.AgreementParameters,
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_sourced_defaults_cite_known_sources(model: type[BaseModel]) -> None:
    known = set(factors.sources()["source_id"])
    cited = 0
    for name, field in model.model_fields.items():
        extra = field.json_schema_extra
        if not isinstance(extra, dict) or "source_ids" not in extra:
            continue
        cited += 1
        ids = extra["source_ids"]
        assert isinstance(ids, list)
        assert ids, f"{model.__name__}.{name} cites no source"
        unknown = sorted(set(map(str, ids)) - known)
        assert not unknown, f"{model.__name__}.{name}: unknown source ids {unknown}"
        assert extra["tag"] in ("V", "V-3p", "D", "R"), f"{model.__name__}.{name}: tag"
    assert cited, f"{model.__name__} has no sourced defaults"
