"""Every table of the workspace. Each feature's tables live in their own module, imported here so
that the metadata (used by dump, load and the schema check) always knows all of them."""

from jmg_desktop.store.models.acceptances import DifferenceAcceptance
from jmg_desktop.store.models.agreements import (
    Agreement,
    AgreementBody,
    AgreementLine,
    AgreementStep,
    Meeting,
)
from jmg_desktop.store.models.base import Base
from jmg_desktop.store.models.bcf import BcfCondition, BcfIncome, BcfListItem, BcfStream
from jmg_desktop.store.models.foundation import (
    AuditEvent,
    Category,
    LineStatus,
    Partner,
    Pool,
    PoolLine,
    PoolLink,
    StatedTotal,
    WorkspaceSetting,
)
from jmg_desktop.store.models.lines import POOL_LINE_TOTALS_INDEX  # noqa: F401 (registers the index)
from jmg_desktop.store.models.monitoring import (
    MonitoringForecast,
    MonitoringMovement,
    MonitoringMovementLeg,
    MonitoringPeriod,
    MonitoringSetup,
    RiskSharePartner,
    RiskShareRuleRow,
)
from jmg_desktop.store.models.papers import Paper
from jmg_desktop.store.models.scenarios import ProjectionScenario, ScenarioAdjustment, ScenarioRateOverride

__all__ = [
    "Agreement",
    "AgreementBody",
    "AgreementLine",
    "AgreementStep",
    "AuditEvent",
    "Base",
    "BcfCondition",
    "BcfIncome",
    "BcfListItem",
    "BcfStream",
    "Category",
    "DifferenceAcceptance",
    "LineStatus",
    "Meeting",
    "MonitoringForecast",
    "MonitoringMovement",
    "MonitoringMovementLeg",
    "MonitoringPeriod",
    "MonitoringSetup",
    "Paper",
    "Partner",
    "Pool",
    "PoolLine",
    "PoolLink",
    "ProjectionScenario",
    "RiskSharePartner",
    "RiskShareRuleRow",
    "ScenarioAdjustment",
    "ScenarioRateOverride",
    "StatedTotal",
    "WorkspaceSetting",
]
