"""The declarative base shared by every table, with the constraint naming convention."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints from the first migration on, so batch-mode migrations on SQLite can find them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of all workspace tables."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


#: The column type for money in pence: BIGINT on PostgreSQL (pooled budgets pass £21m, INTEGER's
#: limit there), INTEGER in SQLite files, which is already 64-bit (so existing files are unchanged).
PENCE = BigInteger().with_variant(Integer(), "sqlite")
