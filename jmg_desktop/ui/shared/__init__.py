"""Shared workspaces (PostgreSQL) in the window: opening one, following others' changes, roles."""
