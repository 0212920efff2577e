"""schemas.construct builds what pydantic's model_construct builds, faster, and refuses what it cannot do."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field

from connectors.synthetic import generate_posts, sample_brands
from enrichers.enrichment import Enrichment
from schemas.construct import construct
from schemas.mentions import BrandMatch, EnrichedMention, Routing


def test_an_enriched_mention_is_the_one_model_construct_builds() -> None:
    for mention in Enrichment(sample_brands().brands).enrich(list(generate_posts(50, seed=3))):
        values = dict(mention.__dict__)
        built = EnrichedMention.model_construct(**values)
        assert construct(EnrichedMention, dict(values)) == built
        assert construct(EnrichedMention, dict(values)).model_dump_json() == built.model_dump_json()
        assert construct(EnrichedMention, dict(values)).model_fields_set == built.model_fields_set


@pytest.mark.parametrize(
    ("model", "values"),
    [
        (BrandMatch, {"brand": "Telvio", "keyword_set": "inside_out", "terms": ["telvio"]}),
        (
            Routing,
            {"team": "care", "answerable": True, "tags": ["storing"], "rules": ["r"], "priority_boost": 1},
        ),
    ],
)
def test_nested_models_are_the_ones_model_construct_builds(model: type[BaseModel], values: dict) -> None:
    built = model.model_construct(**values)
    assert construct(model, dict(values)) == built
    assert construct(model, dict(values)).model_fields_set == built.model_fields_set


@pytest.mark.parametrize(
    "values",
    [
        {"brand": "Telvio", "keyword_set": "inside_out"},
        {"brand": "Telvio", "keyword_set": "inside_out", "term": ["telvio"]},
        {"keyword_set": "inside_out", "brand": "Telvio", "terms": ["telvio"]},
    ],
    ids=["missing", "unknown", "out of order"],
)
def test_fields_missing_unknown_or_out_of_order_are_refused(values: dict) -> None:
    expected = r"\['brand', 'keyword_set', 'terms'\] expected"
    with pytest.raises(ValueError, match=rf"BrandMatch: fields \[.*\] given, {expected}"):
        construct(BrandMatch, values)


def test_a_model_with_an_alias_is_refused() -> None:
    class Aliased(BaseModel):
        name: str = Field(alias="naam")

    with pytest.raises(ValueError, match="Aliased: aliases"):
        construct(Aliased, {"name": "x"})
