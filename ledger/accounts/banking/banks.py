"""Vietnamese banks by their NAPAS BIN ("970405" → "Agribank — Ngân hàng Nông nghiệp và Phát triển Nông thôn
Việt Nam"), read from the list the vietnam-qr-pay package maintains, so pages never show a bare BIN.
"""
from functools import cache

from vietnam_qr_pay import BanksObject


@cache
def banks_by_bin() -> dict[str, str]:
    """BIN → "short name — full name" of every bank still in service, sorted by short name."""
    listed = sorted((bank for bank in BanksObject.values() if not bank.deprecated), key=lambda b: b.short_name.lower())
    return {bank.bin: f"{bank.short_name} — {bank.name}" for bank in listed}


def bank_name(bank_bin: str | None) -> str:
    """The bank's name for a BIN; an unknown BIN is shown as it is rather than hidden."""
    if not bank_bin:
        return ""
    return banks_by_bin().get(bank_bin, bank_bin)
