"""The decision register: JMG meetings and in-principle agreements, with the figures they were
agreed on (``agreementsView``)."""

from jmg_desktop.ui.agreements.install import install
from jmg_desktop.ui.agreements.view import AgreementsView

__all__ = ["AgreementsView", "install"]
