"""The embedded catalog: schema, build from db/ sources, repository of core dataclasses, price import.

No Qt here (tests/unit/test_layering.py).
"""

from configurator.catalog.repository import CatalogRepository
from configurator.catalog.locate import open_catalog, user_catalog_path

__all__ = ["CatalogRepository", "open_catalog", "user_catalog_path"]
