"""The decision register: JMG meetings and in-principle agreements, with the figures they were
agreed on (``agreementsView``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jmg_desktop.ui.agreements.install import install

if TYPE_CHECKING:
    from jmg_desktop.ui.agreements.view import AgreementsView

__all__ = ["AgreementsView", "install"]


def __getattr__(name: str) -> object:
    """Import the register's view only when asked for: installing the feature must stay cheap."""
    if name == "AgreementsView":
        from jmg_desktop.ui.agreements.view import AgreementsView

        return AgreementsView
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
