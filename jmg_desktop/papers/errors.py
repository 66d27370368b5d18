"""Errors raised while building or exporting a paper; ``str(error)`` is one sentence for the user."""

from __future__ import annotations

__all__ = ["ExportError", "PaperError", "UnsupportedCharactersError"]


class PaperError(ValueError):
    """A paper cannot be built, rendered or changed as asked."""


class UnsupportedCharactersError(PaperError):
    """The text holds characters the paper's font cannot print; ``characters`` lists them."""

    def __init__(self, message: str, characters: list[str]) -> None:
        super().__init__(message)
        self.characters = characters


class ExportError(PaperError):
    """The PDF could not be written where the user asked; any earlier file there is untouched."""
