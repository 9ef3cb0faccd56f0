"""MIME types for drag and drop, in one place. Payloads carry catalog ids as UTF-8 JSON lists."""

PART_MIME = "application/x-configurator-part"  # catalog part ids dragged from the catalog
BUILD_ITEM_MIME = "application/x-configurator-build-item"  # a part already in the build (move)
