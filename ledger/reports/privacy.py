"""What of a child may reach a public page: pure functions, no database.

Children are shown by initials, school level and amount unless the child and a parent consented;
birth dates, student codes, phones and addresses are never part of what these functions return.
(Donors are named as they chose by ledger.accounts.treasury.services.donors.display_name.)
"""
from ledger.accounts.treasury.services.donors import initials
from ledger.core.i18n import _


def school_level(grade: int | None) -> str:
    """The school level of a grade: tiểu học (1–5), THCS (6–9), THPT (10–12)."""
    if grade is None:
        return ""
    if grade <= 5:
        return _("Tiểu học")
    if grade <= 9:
        return _("THCS")
    return _("THPT")


def recipient_entry(*, full_name: str, grade: int | None, school: str | None, consent: bool,
                    program: str, amount: int) -> dict:
    """One line of the recipients list: the full name and school only with recorded consent."""
    return {"display_name": full_name.strip() if consent else initials(full_name),
            "school": (school or school_level(grade)) if consent else school_level(grade),
            "grade": grade, "program": program, "amount": amount}

