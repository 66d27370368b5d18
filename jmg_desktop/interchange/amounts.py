"""A sheet cell's amount as exact money: from the decimal text the file holds, times the heading's
unit. No float is ever made."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from typing import Final

from jmg_desktop.core.money import MAX_POUNDS, Money, MoneyError, parse_money

__all__ = ["money_from_cell", "pence_from_cell"]

# Excel keeps 15 significant digits; a formula's saved value may carry binary noise past them
# (1234.5600000000001). Rounding to 15 digits gives the value Excel shows and the officer meant.
_EXCEL_DIGITS: Final = Context(prec=15, rounding=ROUND_HALF_EVEN)
_PLAIN: Final = re.compile(r"(-?)(\d{1,16})(?:\.(\d{1,2}))?")
_MAX_PENCE: Final = MAX_POUNDS * 100
_TOO_LARGE: Final = "is too large: the most this application accepts is £1 trillion"
_ADVICE_FORMULA: Final = (
    "is a formula saved without its value: open the workbook in Excel, save it, and import it again"
)


def _from_number_text(text: str, unit: int) -> int:
    """A number cell's decimal text (``3342000``, ``1.5E3``, ``12.34``) in pence of pounds times
    ``unit``. Whole pence as an int: a 100,000-row import need not make a Money per cell."""
    plain = _PLAIN.fullmatch(text)
    if plain is not None:  # the common case, in whole integers: pounds and up to two decimals
        sign, whole, fraction = plain.groups()
        pence = (int(whole) * 100 + (int(fraction.ljust(2, "0")) if fraction else 0)) * unit
        if pence > _MAX_PENCE:
            raise MoneyError(_TOO_LARGE)
        return -pence if sign else pence
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise MoneyError(f"“{text[:30]}” is not a number") from None
    if not value.is_finite():
        raise MoneyError(f"“{text[:30]}” is not a number")
    pounds = value * unit
    if pounds != pounds.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN):
        pounds = _EXCEL_DIGITS.plus(value) * unit
    try:
        return Money.from_pounds(pounds).pence
    except MoneyError as error:
        raise MoneyError(str(error).rstrip(".").replace("The amount ", "", 1)) from None


def pence_from_cell(kind: str, text: str, unit: int) -> int:
    """:func:`money_from_cell` in whole pence (the import's hot path, with no Money made for a
    number cell)."""
    if kind == "n":
        return _from_number_text(text, unit)
    return money_from_cell(kind, text, unit).pence


def money_from_cell(kind: str, text: str, unit: int) -> Money:
    """The amount in a cell of ``kind`` (see :mod:`~jmg_desktop.interchange.table`); raise
    :class:`MoneyError` with a reason that reads after the cell's name ("… is not an amount")."""
    if kind == "n":
        return Money(_from_number_text(text, unit))
    if kind == "s":
        body = text.strip()
        if unit != 1 and any(char.isalpha() for char in body):
            raise MoneyError(
                f"“{body[:30]}” gives its own unit under a heading that already gives one; write the number only"
            )
        # "3.342" under a £m heading is read as "3.342m", so its decimals count before the penny check.
        suffix = {1: "", 1_000: "k", 1_000_000: "m"}[unit]
        text_with_unit = f"{body[:-1]}{suffix})" if body.endswith(")") else body + suffix
        try:
            return parse_money(text_with_unit)
        except MoneyError as error:
            message = str(error).rstrip(".").replace(": The amount", ": the amount")
            raise MoneyError(message.replace(f"“{text_with_unit}”", f"“{body}”")) from None
    if kind == "f":
        raise MoneyError(_ADVICE_FORMULA)
    if kind == "e":
        raise MoneyError(f"is the error value {text[:20]}, not an amount")
    if kind == "p":
        raise MoneyError("is a percentage, not an amount")
    if kind == "b":
        raise MoneyError("is TRUE or FALSE, not an amount")
    if kind == "d":
        raise MoneyError("is a date, not an amount")
    raise MoneyError("is not an amount")
