"""The starting content of a new paper: the usual annex sections with the figures blocks in place."""

from __future__ import annotations

from jmg_desktop.papers.document import PaperDocument, SectionText
from jmg_desktop.papers.markup import figure_token

__all__ = ["starter_document"]


def starter_document(pool_name: str, year_label: str) -> PaperDocument:
    """A draft with headings, figures references and prompts for the officer to replace."""
    return PaperDocument(
        title=f"{pool_name} Pooled Budget {year_label}",
        annex_labels=("ANNEX 1",),
        meeting="CABINET – ",
        sections=(
            SectionText("Introduction", "Say what the pool is for and what this paper proposes."),
            SectionText("Reasons for the proposal", "Explain why the change is needed."),
            SectionText(
                "Budget changes",
                "\n".join(
                    [
                        figure_token("current_value"),
                        "",
                        "The changes proposed are:",
                        figure_token("proposed_lines"),
                        figure_token("new_value"),
                    ]
                ),
            ),
            SectionText("Position of the Joint Management Group", figure_token("agreement")),
        ),
        recommendations=(
            f"approve the changes to the {pool_name} pooled budget for {year_label} set out above.",
        ),
    )
