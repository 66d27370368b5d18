"""Alembic migrations of the workspace schema, run in-process by :mod:`jmg_desktop.store.migrate`."""
