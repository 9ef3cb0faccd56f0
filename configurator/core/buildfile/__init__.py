"""The build file format (docs/build-file.md): load with validation, save atomically."""

from configurator.core.buildfile.file_format import (
    SCHEMA_VERSION,
    BuildFileError,
    dumps,
    from_dict,
    load,
    loads,
    save,
    to_dict,
)

__all__ = ["SCHEMA_VERSION", "BuildFileError", "dumps", "from_dict", "load", "loads", "save", "to_dict"]
