"""What the query language needs from the workspace configuration."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from earful.text import fold

if TYPE_CHECKING:
    from earful.config import Config


@dataclass(frozen=True)
class QueryContext:
    """Product names for ``product:``; the default (no products) is empty.

    ``products`` maps a folded product name (and each folded alias) to the product's name
    followed by its aliases. ``product:NAME`` matches posts whose text contains any of them as
    a phrase; a NAME that is not configured matches as the phrase NAME itself.
    """

    products: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "products", MappingProxyType(dict(self.products)))

    @classmethod
    def from_config(cls, config: Config) -> QueryContext:
        products: dict[str, tuple[str, ...]] = {}
        for product in config.products:
            products[fold(product.name)] = product.names
        for product in config.products:  # aliases never shadow a product's own name
            for alias in product.aliases:
                products.setdefault(fold(alias), product.names)
        return cls(products)

    def product_names(self, name: str) -> tuple[str, ...]:
        """The names a ``product:name`` query looks for in the text."""
        return self.products.get(fold(name), (name,))
