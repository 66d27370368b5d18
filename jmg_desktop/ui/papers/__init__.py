"""The paper editor, its live PDF preview, and the File ▸ Export Paper as PDF… action."""
