"""The features that plug into the main window, each through ``install(window) -> None``.

Each feature module appends its installer here, so the window never has to know them by name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from jmg_desktop.ui.agreements.install import install as install_agreements
from jmg_desktop.ui.audit.trail import install as install_audit_trail
from jmg_desktop.ui.bcf.install import install as install_bcf
from jmg_desktop.ui.interchange.install import install as install_interchange
from jmg_desktop.ui.lines.stated_install import install as install_stated_totals
from jmg_desktop.ui.monitoring import install as install_monitoring
from jmg_desktop.ui.papers.install import install as install_papers
from jmg_desktop.ui.projection import install as install_projection
from jmg_desktop.ui.safety.install import install as install_safety
from jmg_desktop.ui.shared.install import install as install_shared

if TYPE_CHECKING:
    from jmg_desktop.ui.main_window import MainWindow

FEATURE_INSTALLERS: list[Callable[[MainWindow], None]] = [
    install_papers,
    install_projection,
    install_safety,
    install_agreements,
    install_stated_totals,
    install_monitoring,
    install_shared,
    install_audit_trail,
    install_interchange,
    install_bcf,
]
