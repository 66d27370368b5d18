"""Workbooks in and out in the window: the Import Lines mapping dialog, Export to Excel, and the
Better Care Fund sections of the totals panel."""
