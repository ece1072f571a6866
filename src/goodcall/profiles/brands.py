"""The brands file: a carrier's brands (subsidiaries), each with its company name, currency,
locale and catalog file, and the default brand of customers whose ``brand`` is empty.

Declared here, below the catalog and the store, because both read it: the catalog loader merges
the brands' catalogs (:mod:`goodcall.catalog.brands`, with ``file:line:column`` errors), and
``goodcall import --brands`` refuses a customer of an undeclared brand. The shipped example
(Nordet and its French subsidiary Nordet France) is ``goodcall/catalog/data/brands.yaml``.
"""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from goodcall.limits import ConfigTooBig, LimitedYamlLoader, read_config_text

BRAND_ID = r"^[a-z][a-z0-9_]*$"


def shipped_brands_file() -> Traversable:
    """The brands file shipped with goodcall (next to the catalogs it lists)."""
    return resources.files("goodcall").joinpath("catalog", "data", "brands.yaml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Names(_Strict):
    """A name in French and English."""

    fr: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Brand(_Strict):
    """A brand (or subsidiary) of the carrier: its name, its money, its locale."""

    id: str = Field(pattern=BRAND_ID)
    company: Names = Field(description="the company name the agent announces")
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code of its prices")
    locale: str = Field(
        pattern=r"^[a-z]{2}_[A-Z]{2}$", description="Babel locale of its prices (fr_FR, fr_CA)"
    )


class BrandEntry(Brand):
    """One brand of a brands file, with the catalog file of its offers."""

    catalog: str = Field(
        min_length=1, description="the brand's catalog file, relative to the brands file"
    )


class BrandsFile(_Strict):
    """A whole brands file."""

    default: str = Field(description="brand of the customers whose brand is empty")
    brands: list[BrandEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> BrandsFile:
        ids = [b.id for b in self.brands]
        for brand_id in ids:
            if ids.count(brand_id) > 1:
                raise ValueError(f"brand id {brand_id!r} appears twice")
        if self.default not in ids:
            raise ValueError(
                f"default {self.default!r} is not one of the brands ({', '.join(ids)})"
            )
        return self

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(b.id for b in self.brands)


class BrandsFileError(ValueError):
    """A brands file that cannot be read; the message names the file and the field."""


def read_brands(path: Path | None = None) -> BrandsFile:
    """Read a brands file (``None``: the shipped one) without its catalogs.

    For ``goodcall import``, which needs only the brand ids; the catalog loader reads the same
    format with line and column in its errors.
    """
    source: Path | Traversable = shipped_brands_file() if path is None else Path(path)
    name = "brands.yaml" if path is None else str(path)
    try:
        text = (
            read_config_text(source)
            if isinstance(source, Path)
            else source.read_text(encoding="utf-8")
        )
        data = yaml.load(text, Loader=LimitedYamlLoader)  # a safe loader, without aliases
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ConfigTooBig) as err:
        raise BrandsFileError(f"{name}: cannot read the brands file: {err}") from err
    try:
        return BrandsFile.model_validate(data)
    except ValidationError as err:
        problems = "; ".join(
            f"field {'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}"
            for e in err.errors()
        )
        raise BrandsFileError(f"{name}: not a brands file: {problems}") from err
