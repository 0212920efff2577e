"""Models of the YAML config file's brand section."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator


class BrandConfig(BaseModel):
    """One monitored brand and its two keyword sets.

    ``inside_out`` holds the company's own words (brand, product and service names, handles, hashtags,
    domains); ``outside_in`` holds the words customers use about the subject, also without the brand.
    Each entry is a term or phrase, matched case- and accent-insensitively on whole tokens; a trailing
    ``*`` matches any continuation of the last word.
    """

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    handles: list[str] = Field(default_factory=list, description="The brand's own accounts, without '@'.")
    inside_out: list[str] = Field(min_length=1)
    outside_in: list[str] = Field(default_factory=list)

    @field_validator("inside_out", "outside_in")
    @classmethod
    def _terms_not_blank(cls, terms: list[str]) -> list[str]:
        for term in terms:
            if not term.strip():
                raise ValueError("a keyword term may not be empty")
        return terms

    @field_validator("handles")
    @classmethod
    def _handles_plain(cls, handles: list[str]) -> list[str]:
        return [handle.lstrip("@").lower() for handle in handles]


class BrandsConfig(BaseModel):
    """The list of monitored brands; names must be unique."""

    model_config = ConfigDict(extra="forbid")

    brands: list[BrandConfig] = Field(default_factory=list)

    @field_validator("brands")
    @classmethod
    def _unique_names(cls, brands: list[BrandConfig]) -> list[BrandConfig]:
        seen: set[str] = set()
        for brand in brands:
            key = brand.name.lower()
            if key in seen:
                raise ValueError(f"brand {brand.name!r} is defined twice")
            seen.add(key)
        return brands
