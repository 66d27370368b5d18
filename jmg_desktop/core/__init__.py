"""Pure-Python domain: money, years, totals, projection, validation, edit commands. No Qt, no SQL."""
