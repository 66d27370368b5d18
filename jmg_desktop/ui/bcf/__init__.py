"""Editing the Better Care Fund's reference data: funding streams and scheme lists, and a pool
and year's income by stream and minimum-spend conditions (Tools ▸ Better Care Fund)."""
