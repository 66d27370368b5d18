"""The first-cut tables: partners, pools and their links, reference lists, pool lines, stated
totals, workspace settings and the audit trail. Money is INTEGER pence, never Numeric."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jmg_desktop.store.models.base import PENCE, Base


class WorkspaceSetting(Base):
    """Key/value facts about the workspace itself (its title, when it was created)."""

    __tablename__ = "workspace_setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False, default="")


class Partner(Base):
    """A council, NHS body or other organisation that contributes to pools."""

    __tablename__ = "partner"
    __table_args__ = (CheckConstraint("kind IN ('council', 'nhs', 'other')", name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    short_name: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="council")
    # The body that takes this partner's decisions: "Cabinet", "PCT Board", "ICB Board".
    sovereign_body: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class Pool(Base):
    """A pooled budget: e.g. the Older People's pool, hosted by the council."""

    __tablename__ = "pool"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    host_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"), nullable=True)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class PoolLink(Base):
    """``pool_id`` is quoted "including" ``linked_pool_id`` (e.g. Older People incl. Equipment)."""

    __tablename__ = "pool_link"
    __table_args__ = (CheckConstraint("pool_id <> linked_pool_id", name="not_self"),)

    pool_id: Mapped[int] = mapped_column(ForeignKey("pool.id", ondelete="CASCADE"), primary_key=True)
    linked_pool_id: Mapped[int] = mapped_column(ForeignKey("pool.id", ondelete="CASCADE"), primary_key=True)


class Category(Base):
    """A reference-list entry for a line's category (editable data, never an enum)."""

    __tablename__ = "category"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class LineStatus(Base):
    """A line status. ``effect`` says how it counts: in the pool now, proposed to be added or
    proposed to be removed; the list itself is data so a workspace can add its own labels."""

    __tablename__ = "line_status"
    __table_args__ = (CheckConstraint("effect IN ('current', 'addition', 'removal')", name="effect"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    label: Mapped[str] = mapped_column(String(100), nullable=False)
    effect: Mapped[str] = mapped_column(String(20), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class PoolLine(Base):
    """One service budget in a pool, for one partner and one financial year."""

    __tablename__ = "pool_line"
    __table_args__ = (
        Index("ix_pool_line_pool_year_position", "pool_id", "financial_year", "position"),
        CheckConstraint("financial_year BETWEEN 1900 AND 2998", name="year"),
        CheckConstraint("kind IN ('service_budget', 'budget_change')", name="kind"),
        CheckConstraint("commissioner IN ('', 'council', 'nhs', 'joint')", name="commissioner"),
        CheckConstraint("new_or_existing IN ('', 'new', 'existing')", name="new_or_existing"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pool.id", ondelete="RESTRICT"), nullable=False)
    # The start year of the financial year: 2009 is 2009/10.
    financial_year: Mapped[int] = mapped_column(Integer, nullable=False)
    service: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id", ondelete="RESTRICT"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"), nullable=False)
    status_id: Mapped[int] = mapped_column(ForeignKey("line_status.id", ondelete="RESTRICT"), nullable=False)
    amount_pence: Mapped[int] = mapped_column(PENCE, nullable=False, default=0)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # A service budget joining or leaving the pool, or a change to budgets already in it.
    kind: Mapped[str] = mapped_column(
        String(20), nullable=False, default="service_budget", server_default="service_budget"
    )
    # Better Care Fund scheme columns (migration 0010); empty for a line that is not a scheme.
    # Type, sub-type and area are text checked against the reference lists (which change every
    # year), so a template's new entry is never refused, only flagged by the checklist.
    scheme_ref: Mapped[str] = mapped_column(String(40), nullable=False, default="", server_default="")
    scheme_type: Mapped[str] = mapped_column(String(200), nullable=False, default="", server_default="")
    scheme_subtype: Mapped[str] = mapped_column(String(200), nullable=False, default="", server_default="")
    area_of_spend: Mapped[str] = mapped_column(String(200), nullable=False, default="", server_default="")
    commissioner: Mapped[str] = mapped_column(String(10), nullable=False, default="", server_default="")
    # A joint scheme's shares in hundredths of a percent (6000 is 60%); the checklist wants 100%.
    nhs_share_bp: Mapped[int | None] = mapped_column(Integer, nullable=True)
    council_share_bp: Mapped[int | None] = mapped_column(Integer, nullable=True)
    provider: Mapped[str] = mapped_column(String(200), nullable=False, default="", server_default="")
    funding_stream_id: Mapped[int | None] = mapped_column(
        ForeignKey("bcf_stream.id", ondelete="RESTRICT", name="fk_pool_line_funding_stream_id_bcf_stream"),
        nullable=True,
    )
    new_or_existing: Mapped[str] = mapped_column(String(10), nullable=False, default="", server_default="")


class StatedTotal(Base):
    """A figure as published (typed in or imported), kept apart from computed totals so the two
    can be reconciled. ``basis`` is the current value or the new value after proposals;
    ``scope`` is the pool alone or including its linked pools."""

    __tablename__ = "stated_total"
    __table_args__ = (
        CheckConstraint("basis IN ('current', 'new')", name="basis"),
        CheckConstraint("scope IN ('pool', 'with_linked')", name="scope"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pool.id", ondelete="CASCADE"), nullable=False)
    financial_year: Mapped[int] = mapped_column(Integer, nullable=False)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"))
    basis: Mapped[str] = mapped_column(String(20), nullable=False)
    scope: Mapped[str] = mapped_column(String(20), nullable=False)
    amount_pence: Mapped[int] = mapped_column(PENCE, nullable=False)
    source: Mapped[str] = mapped_column(Text, nullable=False, default="")
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


class AuditEvent(Base):
    """An append-only record of one change: when, who, what, and the values before and after."""

    __tablename__ = "audit_event"
    __table_args__ = (UniqueConstraint("sequence", name="uq_audit_event_sequence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer, nullable=False)
    at: Mapped[str] = mapped_column(String(40), nullable=False)  # ISO 8601, UTC
    actor: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    action: Mapped[str] = mapped_column(String(100), nullable=False)
    entity: Mapped[str] = mapped_column(String(100), nullable=False)
    entity_id: Mapped[int | None] = mapped_column(Integer)
    old: Mapped[str] = mapped_column(Text, nullable=False, default="")  # JSON
    new: Mapped[str] = mapped_column(Text, nullable=False, default="")  # JSON
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    hash: Mapped[str] = mapped_column(String(64), nullable=False, default="")
