"""The inspection pages' forms read into what the API's *In schemas load, so a page and the API refuse alike."""
from ledger.accounts.treasury.schemas import form_date, load_form
from ledger.inspection import schemas
from ledger.inspection.services import DOCUMENTS

DATE_FIELDS = ("period_start", "period_end", "scheduled_on", "due_on")


def inspection_from(form) -> dict:
    return load_form(schemas.InspectionIn, typed_dates(form, ("scope", "members")))


def finding_from(form) -> dict:
    """The finding; its one select "document" ("receipt_id:12", "disbursement_id:3", "entry_id:7") names the link."""
    data = typed_dates(form, ("severity", "description", "follow_up"))
    field, _sep, number = (form.get("document") or "").partition(":")
    if field in {name for name, _model, _label in DOCUMENTS} and number:
        data[field] = int(number) if number.isascii() and number.isdigit() else number
    return load_form(schemas.FindingIn, data)


def typed_dates(form, texts: tuple[str, ...]) -> dict:
    """The posted text fields as typed, dates (picker or dd/mm/yyyy) as ISO; an empty optional date left out."""
    data = {name: form.get(name, "") for name in texts}
    for name in DATE_FIELDS:
        if name in form and (form_date(form.get(name)) or name != "due_on"):
            data[name] = form_date(form.get(name))
    return data


def answer_from(form) -> str:
    return load_form(schemas.FindingAnswerIn, {"answer": form.get("answer", "")})["answer"]


def note_from(form) -> str:
    return load_form(schemas.FindingCloseIn, {"note": form.get("note", "")})["note"]
