"""Money as an exact, immutable count of pence.

Nothing in the application holds money in a float. Amounts are built from integers, strings or
Decimals; text typed or pasted by officers goes through :func:`parse_money`, which either returns
an amount or raises :class:`MoneyError` saying what was wrong.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final

from jmg_desktop.core.int_value import int_value

__all__ = [
    "MAX_POUNDS",
    "PENCE_DIGITS",
    "Money",
    "MoneyError",
    "parse_money",
    "round_half_up",
]

#: The largest amount accepted anywhere: far above any pooled budget, far below SQLite's int64.
MAX_POUNDS: Final = 10**12

_PENCE_PER_POUND: Final = 100
#: The pence of an amount as its two digits, ``PENCE_DIGITS[5] == "05"``: indexing this table costs
#: about a third of what a ``:02d`` format does per amount (a million-line CSV has seven million).
PENCE_DIGITS: Final = tuple(f"{pence:02d}" for pence in range(_PENCE_PER_POUND))
_MAX_PENCE: Final = MAX_POUNDS * _PENCE_PER_POUND
_SCALE_WORDS: Final = {
    "": 1,
    "k": 1_000,
    "m": 1_000_000,
    "million": 1_000_000,
    "bn": 1_000_000_000,
    "billion": 1_000_000_000,
}
# Spaces officers paste from Excel, Word and web pages: ordinary, non-breaking, narrow and thin.
_SPACES: Final = " \t\u00a0\u202f\u2009\u2007"
# Hyphen, minus sign, and the en dash Word substitutes for a typed hyphen.
_MINUS_SIGNS: Final = ("-", "\u2212", "\u2013")
_NUMBER = re.compile(
    r"""
    (?P<int>\d{1,3}(?:,\d{3})+|\d+)?   # whole pounds, optionally grouped in thousands
    (?:\.(?P<frac>\d+))?               # decimal part
    """,
    re.VERBOSE,
)
_SCALE = re.compile(r"\s*(?P<word>k|m|million|bn|billion)?", re.IGNORECASE)


class MoneyError(ValueError):
    """Text that is not an amount of money; the message says what was wrong, for the user."""


def round_half_up(value: Decimal, places: int = 0) -> Decimal:
    """Round ``value`` to ``places`` decimal places, halves away from zero (the accountants' rule).

    A small negative amount that rounds to nothing comes back as plain zero: Decimal would keep
    its sign, and a table would print "-0.000" for a removal too small to show.
    """
    exponent = Decimal(1).scaleb(-places)
    rounded = value.quantize(exponent, rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded.is_zero() else rounded


@int_value("pence")
class Money:
    """An exact amount of money in pence. Immutable, hashable, ordered (:func:`int_value`)."""

    __slots__ = ("pence",)
    pence: int

    def __init__(self, pence: int) -> None:
        if type(pence) is not int:  # bool and float are both refused
            raise TypeError(f"Money needs whole pence as an int, not {type(pence).__name__}")
        if abs(pence) > _MAX_PENCE:
            raise MoneyError("The amount is too large: the most this application accepts is £1 trillion.")
        object.__setattr__(self, "pence", pence)

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def zero(cls) -> Money:
        """No money."""
        return cls(0)

    @classmethod
    def from_pounds(cls, pounds: int | str | Decimal) -> Money:
        """An exact amount of pounds, e.g. ``Money.from_pounds("3342000.00")``; no floats."""
        if isinstance(pounds, float):
            raise TypeError("Money is never built from a float; pass a str, int or Decimal")
        if isinstance(pounds, bool):
            raise TypeError("Money is not built from a bool")
        try:
            value = Decimal(pounds)
        except InvalidOperation:
            raise MoneyError(f"{pounds!r} is not a number of pounds.") from None
        return cls._from_decimal_pounds(value)

    @classmethod
    def _from_decimal_pounds(cls, value: Decimal) -> Money:
        if not value.is_finite():
            raise MoneyError("The amount must be a finite number.")
        if abs(value) > MAX_POUNDS:
            raise MoneyError("The amount is too large: the most this application accepts is £1 trillion.")
        pence = value * _PENCE_PER_POUND
        if pence != pence.to_integral_value():
            raise MoneyError("The amount has a fraction of a penny; give at most two decimal places.")
        return cls(int(pence))

    @classmethod
    def parse(cls, text: str) -> Money:
        """Parse what an officer types; see :func:`parse_money`."""
        return parse_money(text)

    # -- arithmetic ---------------------------------------------------------------------------

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.pence + other.pence)

    def __radd__(self, other: object) -> Money:
        # Lets sum() start from 0.
        if other == 0:
            return self
        return NotImplemented

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.pence - other.pence)

    def __neg__(self) -> Money:
        return Money(-self.pence)

    def __abs__(self) -> Money:
        return Money(abs(self.pence))

    def __bool__(self) -> bool:
        return self.pence != 0

    def scaled(self, factor: Decimal | int) -> Money:
        """This amount times an exact factor, rounded half-up to the penny (a named rounding point)."""
        if isinstance(factor, float):
            raise TypeError("Money is never scaled by a float; use Decimal")
        return Money(int(round_half_up(Decimal(self.pence) * Decimal(factor))))

    @property
    def is_negative(self) -> bool:
        """True for a reduction or an underspend."""
        return self.pence < 0

    def to_decimal(self) -> Decimal:
        """The exact amount in pounds, as a Decimal with two places."""
        return Decimal(self.pence).scaleb(-2)

    # -- display ------------------------------------------------------------------------------

    def millions(self, places: int = 3) -> Decimal:
        """Pounds in millions, rounded half-up to ``places`` decimals (a display rounding point)."""
        return round_half_up(Decimal(self.pence).scaleb(-8), places)

    def thousands(self) -> Decimal:
        """Whole thousands of pounds, rounded half-up (for £000 tables)."""
        return round_half_up(Decimal(self.pence).scaleb(-5), 0)

    def format_full(self) -> str:
        """``£3,342,000.00``; negatives ``-£1,200.00``. Exact: parses back to the same amount."""
        sign = "-" if self.pence < 0 else ""
        pounds, pence = divmod(abs(self.pence), _PENCE_PER_POUND)
        return f"{sign}£{pounds:,}.{pence:02d}"

    def format_plain(self) -> str:
        """``3342000.00``: pounds with two decimals, no sign of the currency (CSV, JSON)."""
        if self.pence >= 0:
            pounds, pence = divmod(self.pence, _PENCE_PER_POUND)
            return f"{pounds}.{PENCE_DIGITS[pence]}"
        pounds, pence = divmod(-self.pence, _PENCE_PER_POUND)
        return f"-{pounds}.{PENCE_DIGITS[pence]}"

    def format_m(self) -> str:
        """``£3.342m``: £m to three decimals, for tables and compact labels."""
        value = self.millions()
        sign = "-" if value < 0 else ""
        return f"{sign}£{abs(value):,.3f}m"

    def format_prose(self) -> str:
        """``£3.342 million``: the form used in the paper's sentences."""
        value = self.millions()
        sign = "-" if value < 0 else ""
        return f"{sign}£{abs(value):,.3f} million"

    def format_thousands(self) -> str:
        """``3,342`` for a £000 table; negatives in brackets, ``(1,200)``, as accounts show them
        (an amount that rounds to nil prints ``0``, never ``-0``: :func:`round_half_up`)."""
        value = self.thousands()
        if value < 0:
            return f"({abs(value):,.0f})"
        return f"{value:,.0f}"

    def __str__(self) -> str:
        return self.format_full()

    def __repr__(self) -> str:
        return f"Money({self.format_full()!r})"


def _strip_spaces(text: str) -> str:
    return text.strip(_SPACES)


def parse_money(text: str) -> Money:
    """Parse an amount as officers type and paste it.

    Accepted: ``3342000``, ``3,342,000``, ``£3,342,000.00``, ``£3.342m``, ``3.342 million``,
    ``£3,342k``, ``£3.8bn``, ``(1,200)`` and ``-1,200`` for negatives, with surrounding spaces
    (including non-breaking ones). Anything else raises :class:`MoneyError` with a plain reason.
    """
    if not isinstance(text, str):
        raise MoneyError("An amount must be given as text.")
    original = text
    body = _strip_spaces(text)
    if not body:
        raise MoneyError("No amount was given.")
    negative = False
    if body.startswith(_MINUS_SIGNS):
        negative = True
        body = _strip_spaces(body[1:])
    if body.startswith("("):
        if not body.endswith(")"):
            raise MoneyError(f"“{_short(original)}” has an unmatched bracket.")
        if negative:
            raise MoneyError(
                f"“{_short(original)}” is negative twice: use brackets or a minus sign, not both."
            )
        negative = True
        body = _strip_spaces(body[1:-1])
        if body.startswith(_MINUS_SIGNS):
            raise MoneyError(
                f"“{_short(original)}” is negative twice: use brackets or a minus sign, not both."
            )
    if body.startswith("£"):
        body = _strip_spaces(body[1:])
        if body.startswith(_MINUS_SIGNS) and not negative:  # "£-1,200"
            negative = True
            body = _strip_spaces(body[1:])
    if body.startswith(("-", "+", "\u2212")):
        raise MoneyError(f"“{_short(original)}” has more than one sign.")
    if not body:
        raise MoneyError(f"“{_short(original)}” has no digits.")
    number = _NUMBER.match(body)
    if number is None or (number.group("int") is None and number.group("frac") is None):
        raise MoneyError(
            f"“{_short(original)}” is not an amount: it should start with digits, like 3,342,000."
        )
    rest = body[number.end() :]
    scale = _SCALE.fullmatch(rest)
    if scale is None:
        if "," in rest or (number.group("int") and "," in body and rest[:1].isdigit()):
            raise MoneyError(f"“{_short(original)}” has commas in the wrong places.")
        raise MoneyError(
            f"“{_short(original)}” is not an amount: “{_short(_strip_spaces(rest))}” is not understood "
            "(use digits, commas between thousands, and an optional k, m or million)."
        )
    word = (scale.group("word") or "").lower()
    digits = (number.group("int") or "0").replace(",", "")
    frac = number.group("frac") or ""
    value = Decimal(f"{digits}.{frac}" if frac else digits) * _SCALE_WORDS[word]
    if negative:
        value = -value
    try:
        return Money._from_decimal_pounds(value)
    except MoneyError as error:
        raise MoneyError(f"“{_short(original)}”: {error}") from None


def _short(text: str, limit: int = 40) -> str:
    """The user's text, trimmed for a message so a pasted essay does not flood the status bar."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
