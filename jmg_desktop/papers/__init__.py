"""Cabinet papers: their content built from workspace data, and the ReportLab renderer."""
