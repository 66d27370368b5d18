"""JMG Desktop: pooled budgets, in-principle agreements and cabinet annex papers."""

__version__ = "0.1.0"
APP_NAME = "JMG Desktop"
ORGANISATION = "JMG Desktop"
