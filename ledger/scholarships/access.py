"""Loading what a scholarship request names, with the permission check at the program owner's unit
(404 when it does not exist, then 403): one loader each for API views and pages."""
from ledger.scholarships import nominations, payouts, programs
from ledger.scholarships.models import Award, Candidate, Program, Round
from ledger.units.access import permitted


def program_for(code: str, action: str) -> Program:
    program = programs.get_program(code)
    return permitted(program, action, program.owner_unit)


def round_for(round_id, action: str) -> Round:
    found = programs.get_round(round_id)
    return permitted(found, action, found.program.owner_unit)


def candidate_for(candidate_id, action: str) -> Candidate:
    candidate = nominations.get_candidate(candidate_id)
    return permitted(candidate, action, candidate.round.program.owner_unit)


def award_for(award_id, action: str) -> Award:
    award = payouts.get_award(award_id)
    return permitted(award, action, award.program.owner_unit)
