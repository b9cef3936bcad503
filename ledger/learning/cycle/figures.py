"""Computed criteria: the figures the registry gives instead of asking (a clan's or a village's share of
families recognised as Gia đình học tập in the year), each with the counts behind it for the reason text."""
from dataclasses import dataclass

from sqlalchemy import func, select

from ledger.core.i18n import _
from ledger.extensions import db
from ledger.learning import tallies
from ledger.learning.criteria import rules
from ledger.learning.models import LearningSubject, RecognitionItem


@dataclass(frozen=True)
class Figure:
    """`done` of `base` (families recognised of the families or households counted), and what `base` counts."""
    done: int
    base: int
    base_label: str

    @property
    def percent(self) -> float:
        return self.done * 100 / self.base if self.base else 0.0

    @property
    def text(self) -> str:
        return _("%(done)s/%(base)s %(what)s", done=self.done, base=self.base, what=self.base_label)


def family_share(subject: LearningSubject, year: int) -> Figure:
    """A clan: its families (registry `clan_id`) recognised that year ÷ its families. Any other subject (a
    village, residential group…): families recognised in its unit's subtree that year (kept tallies) ÷ the
    households recorded there, or the registered families when no household count is recorded."""
    if subject.model == "clan":
        families = select(LearningSubject.id).where(LearningSubject.clan_id == subject.id,
                                                    LearningSubject.model == "family")
        base = db.session.scalar(select(func.count()).select_from(families.subquery()))
        done = db.session.scalar(select(func.count(RecognitionItem.id))
                                 .where(RecognitionItem.year == year, RecognitionItem.subject_id.in_(families)))
        return Figure(done or 0, base or 0, _("gia đình trong dòng họ được công nhận"))
    counts = tallies.tallies_of([subject.unit_id], year)[subject.unit_id]["family"]
    households = tallies.bases_of([subject.unit_id])[subject.unit_id]["households"]
    if households:
        return Figure(counts["recognized"], households, _("hộ được công nhận Gia đình học tập"))
    return Figure(counts["recognized"], counts["registered"], _("gia đình đăng ký được công nhận"))


MEASURES = {"family_share": family_share}


def computed_figures(subject: LearningSubject, year: int, definition: dict) -> dict[str, Figure]:
    """criterion code → its figure, for every computed criterion of the definition."""
    return {criterion["code"]: MEASURES[criterion["computed"]["measure"]](subject, year)
            for criterion in rules.computed_criteria(definition)}
