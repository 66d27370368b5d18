"""Cabinet papers: their content built from workspace data, and the Typst renderer."""
