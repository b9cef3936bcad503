"""VietQR (NAPAS 247, EMVCo) payloads so donors can scan a fund's bank account into their app.

Build, decode and draw the TLV string; the CRC is CRC-16/CCITT-FALSE as EMVCo requires.
"""
import re

import segno

from ledger.core.text import unaccent

NAPAS_GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
MEMO_MAX = 25
MAX_AMOUNT = 10**13 - 1  # field 54 holds at most 13 digits
_BIN = re.compile(r"[0-9]{6}")
_ACCOUNT = re.compile(r"[0-9A-Za-z]{1,19}")
# Templates whose values are themselves TLV lists: 38 (merchant account), 38.01 (bank, account), 62.
_NESTED = {"38": {"01": {}}, "62": {}}


def crc16(data: str) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) of the UTF-8 bytes, 4 upper-case hex digits."""
    crc = 0xFFFF
    for byte in data.encode("utf-8"):
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"VietQR field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def ascii_memo(memo: str) -> str:
    """Bank apps read the purpose as ASCII: "Ủng hộ Quỹ khuyến học" → "Ung ho Quy khuyen hoc"."""
    text = "".join(ch for ch in unaccent(memo) if " " <= ch <= "~" or ch.isspace())
    return " ".join(text.split())[:MEMO_MAX].rstrip()


def payload(bank_bin: str, account_number: str, *, amount: int | None = None, memo: str | None = None) -> str:
    """The VietQR string for a transfer to one account; static (reusable) without an amount."""
    if not isinstance(bank_bin, str) or not _BIN.fullmatch(bank_bin):
        raise ValueError("bank_bin must be the 6-digit NAPAS BIN, e.g. 970415")
    if not isinstance(account_number, str) or not _ACCOUNT.fullmatch(account_number):
        raise ValueError("account_number must be 1-19 letters or digits")
    if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int)
                               or not 0 < amount <= MAX_AMOUNT):
        raise ValueError("amount must be a positive int of đồng with at most 13 digits")
    bank = _tlv("00", bank_bin) + _tlv("01", account_number)
    merchant = _tlv("00", NAPAS_GUID) + _tlv("01", bank) + _tlv("02", SERVICE_TO_ACCOUNT)
    purpose = ascii_memo(memo) if memo else ""
    body = "".join([
        _tlv("00", "01"),
        _tlv("01", "11" if amount is None else "12"),
        _tlv("38", merchant),
        _tlv("53", "704"),
        _tlv("54", str(amount)) if amount is not None else "",
        _tlv("58", "VN"),
        _tlv("62", _tlv("08", purpose)) if purpose else "",
        "6304",
    ])
    return body + crc16(body)


def _decode(data: str, nested: dict) -> dict:
    fields, position = {}, 0
    while position < len(data):
        tag, size = data[position:position + 2], data[position + 2:position + 4]
        if len(size) < 2 or not size.isascii() or not size.isdigit():
            raise ValueError(f"malformed VietQR field at position {position}")
        value = data[position + 4:position + 4 + int(size)]
        if len(value) != int(size) or tag in fields:
            raise ValueError(f"malformed VietQR field {tag} at position {position}")
        fields[tag] = _decode(value, nested[tag]) if tag in nested else value
        position += 4 + int(size)
    return fields


def parse(payload: str) -> dict:
    """Decode a VietQR string into {tag: value}, nested templates as dicts.

    Raises ValueError when the CRC field is missing or does not match, or the TLV is malformed.
    """
    if not isinstance(payload, str) or len(payload) < 8 or payload[-8:-4] != "6304":
        raise ValueError("VietQR payload must end with its CRC field 6304XXXX")
    if crc16(payload[:-4]) != payload[-4:].upper():
        raise ValueError(f"VietQR CRC mismatch: expected {crc16(payload[:-4])}, found {payload[-4:]}")
    return _decode(payload, _NESTED)


def svg(payload: str) -> str:
    """Inline SVG of the QR code in millimetres: about 3 cm with its quiet zone, as A4 prints need."""
    return segno.make(payload, error="m", micro=False).svg_inline(scale=0.5, unit="mm", svgclass="vietqr")
