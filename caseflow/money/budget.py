"""A budget's totals in USD at the workflow definition's rates: per party and kind, and the organisation's cash.

Pure arithmetic over lines (dicts or rows with party, kind, currency and amount), so the engine's effect,
the case page and the API add them up the same way.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def _get(line, name: str):
    return line[name] if isinstance(line, Mapping) else getattr(line, name)


def in_usd(amount, currency: str, rates: Mapping[str, float]) -> Decimal:
    """`amount` of `currency` in USD to the cent; KeyError if the definition has no rate for it."""
    return (Decimal(str(amount)) * Decimal(str(rates[currency]))).quantize(CENT, rounding=ROUND_HALF_UP)


def totals_usd(lines: Iterable, rates: Mapping[str, float]) -> dict[str, dict[str, Decimal]]:
    """party -> kind -> USD, plus party -> "total" and "all" -> "total"."""
    totals: dict[str, dict[str, Decimal]] = {"all": {"total": Decimal("0.00")}}
    for line in lines:
        usd = in_usd(_get(line, "amount"), _get(line, "currency"), rates)
        party = totals.setdefault(_get(line, "party"), {"total": Decimal("0.00")})
        party[_get(line, "kind")] = party.get(_get(line, "kind"), Decimal("0.00")) + usd
        party["total"] += usd
        totals["all"]["total"] += usd
    return totals


def organisation_cash_usd(lines: Iterable, rates: Mapping[str, float]) -> Decimal:
    """The organisation's cash contributions in USD: what the small-scale cap (para 31) is checked against."""
    return totals_usd(lines, rates).get("organisation", {}).get("cash", Decimal("0.00"))
