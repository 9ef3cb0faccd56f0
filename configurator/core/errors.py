"""Errors the core raises for bad input. Each message names the problem for a person."""


class ConfiguratorError(Exception):
    """Base class: an input problem with a readable message (never a programming error)."""


class UnknownPartError(ConfiguratorError, KeyError):
    def __init__(self, part_id: str, kind: str = "part"):
        self.part_id = part_id
        self.kind = kind
        super().__init__(f"unknown {kind} id '{part_id}'")

    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0]


class InvalidInputError(ConfiguratorError, ValueError):
    """A number or choice outside what makes physical sense (negative, zero GPUs, absurd)."""
