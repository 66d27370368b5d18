"""Pausing Python's cyclic garbage collector while a large workbook is read or written.

An import of 100,000 rows makes millions of short-lived tuples, dicts and records, none of them
in reference cycles; the collector's passes over the growing heap were a third of the import's
CPU time. Reference counting still frees everything; the collector runs again afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

__all__ = ["collection_paused", "while_paused"]

_P = ParamSpec("_P")
_R = TypeVar("_R")


@contextmanager
def collection_paused() -> Iterator[None]:
    """Turn automatic collection off for the block (and back on only if it was on before: the
    window runs its own collections on the main thread)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def while_paused(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """A function that runs with collection paused (a command that reads or writes a workbook)."""

    @wraps(function)
    def paused(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with collection_paused():
            return function(*args, **kwargs)

    return paused
