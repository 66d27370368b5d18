"""A guard against a reference-counting fault in PySide6 6.12 on Python 3.11.

The PySide6 6.12.0 wheels (``cp310-abi3``) drop one reference to ``None`` on every call of a Qt
method that returns nothing (``setText``, ``setEnabled``, ``emit`` …) when run on Python 3.11,
where ``None`` is still reference-counted (Python 3.12 made it immortal, PEP 683). ``None`` starts
with a few thousand references, so after some thousands of such calls Python aborts with
"Fatal Python error: none_dealloc: deallocating None" — a crash within minutes of ordinary use.

:func:`protect_none` gives ``None`` an extra 2**40 references once per process, which is what
Python 3.12 does in effect: ``None`` can then never reach zero. It does nothing on 3.12 and later.
``tests/ui/test_none_guard.py`` shows the fault and the guard.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Final

__all__ = ["EXTRA_REFERENCES", "protect_none"]

EXTRA_REFERENCES: Final = 1 << 40
_done = False


def protect_none() -> bool:
    """Make ``None`` effectively immortal on Python < 3.12; True if references were added."""
    global _done
    if _done or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    # ob_refcnt is the first field (a Py_ssize_t) of every object header in CPython 3.11.
    refcount = ctypes.c_ssize_t.from_address(id(None))
    refcount.value += EXTRA_REFERENCES
    _done = True
    return True
