"""The audit trail in words: one event's change as a user reads it, and the workspace-wide trail."""
