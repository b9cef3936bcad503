"""Hypothesis drives the posting service with random postings, reversals, transfers, closings, batches of
entries in one unit's books and bad input; after every step the books must still keep DESIGN invariants 1–11.

Each example builds its own small tree and funds under fresh codes, so examples share the test's
database without seeing each other; a model predicts which operations the service must refuse.
"""
import hashlib
import itertools
from collections import defaultdict
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from sqlalchemy import String, cast, func, select

from ledger.accounts import balances, services, verify
from ledger.accounts.ledger import MAX_AMOUNT, LineDraft
from ledger.accounts.models import (
    Account,
    Balance,
    ChainHead,
    Entry,
    Fund,
    Line,
    MonthlyBalance,
    Transaction,
    VoucherCounter,
)
from ledger.accounts.posting import EntryDraft, TransactionDraft, post_transaction
from ledger.core.audit import AuditEvent
from ledger.core.dates import month_start, vn_today
from ledger.core.errors import LedgerError
from ledger.extensions import db
from ledger.units import services as units
from ledger.units.models import Unit

TODAY = vn_today()
START = TODAY - timedelta(days=400)  # the books span two fiscal years, and a little of the future
GUARDED = ("111", "112")
UNITS = ("P", "C1", "C2", "B1")            # province, two communes, a branch under C1
PARENT = {"P": None, "C1": "P", "C2": "P", "B1": "C1"}
FUNDS = {"F1": "P", "F2": "P", "F3": "C1", "FE": "P"}  # FE is an endowment paying into F1
POSTINGS = ("receipt", "spend", "deposit", "withdraw", "two_funds", "unbalanced", "unbalanced_fund")
SIMPLE = ("receipt", "spend", "deposit", "withdraw")
DRAINS = {"spend": "111", "deposit": "111", "withdraw": "112"}  # the guarded account each simple kind credits
BAD = ("unknown_account", "unknown_fund", "zero", "too_big", "float", "bool", "one_line", "both_sides",
       "fund_elsewhere", "endowment_spend")
amounts = st.one_of(st.just(1), st.just(MAX_AMOUNT), st.integers(1, 10**6), st.integers(1, MAX_AMOUNT))
funds = st.sampled_from(("F1", "F1", "F2", "F2", "F3", "FE"))
shares = st.one_of(st.none(), st.just(1000), st.integers(1, 1000))
examples = itertools.count(1)


class PostingMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        prefix = f"S{next(examples)}"
        self.code = {name: f"{prefix}{name}" for name in (*UNITS, *FUNDS)}
        for name in UNITS:
            units.create_unit({"code": self.code[name], "name": f"Đơn vị {name}", "parent": self.code[PARENT[name]]
                               if PARENT[name] else "VN", "level": level_of(name)})
        for name, owner in FUNDS.items():
            services.create_fund({"code": self.code[name], "name": f"Quỹ {name}", "owner_unit": self.code[owner],
                                  "kind": "endowment" if name == "FE" else "unrestricted",
                                  "income_fund": self.code["F1"] if name == "FE" else None})
        db.session.commit()
        self.q = Queries([units.get_unit(self.code[name]).id for name in UNITS], [self.code[name] for name in UNITS])
        self.cash: dict[tuple, int] = defaultdict(int)    # (unit, account, fund) of guarded accounts
        self.closed: dict[str, date | None] = dict.fromkeys(UNITS)
        self.entries: list[dict] = []                      # posting order: {id, unit, lines, tx, reversal}
        self.reversed_tx: set[int] = set()
        self.snapshots: dict[int, str] = {}
        self.expected_entries: dict[int, int] = {}        # transaction id → its entry count
        self.touched: set[str] = set(UNITS)               # units whose chain verify_unit re-reads next
        self.closes = 0

    # ---- the model ---------------------------------------------------------------------------

    def usable(self, unit: str, fund: str) -> bool:
        while unit is not None:
            if FUNDS[fund] == unit:
                return True
            unit = PARENT[unit]
        return False

    def after(self, movements, *, apply=False) -> bool:
        """Apply (unit, lines) entry by entry to the guarded balances; False at the first overdraft."""
        cash = self.cash if apply else dict(self.cash)
        for unit, lines in movements:
            for line in lines:
                if line.account in GUARDED:
                    key = (unit, line.account, line.fund)
                    cash[key] = cash.get(key, 0) + line.debit - line.credit
            if any(cash[(unit, ln.account, ln.fund)] < 0 for ln in lines if ln.account in GUARDED):
                return False
        return True

    def refusal(self, movements, on: date, *, shape=None) -> str | None:
        """The code the service must answer, in the service's own order of checks; None = posts."""
        if shape:
            return shape
        for unit, lines in movements:
            if sum(line.debit for line in lines) > MAX_AMOUNT:
                return "validation"
            for line in lines:
                if not self.usable(unit, line.fund):
                    return "validation"
                if line.fund == "FE" and line.account.startswith("6") and line.debit:
                    return "endowment_principal"
        if any(self.closed[unit] and on <= self.closed[unit] for unit, _lines in movements):
            return "period_closed"
        return None if self.after(movements) else "insufficient_funds"

    def day(self, unit: str, offset: int) -> date:
        return (self.closed[unit] or START) + timedelta(days=offset)

    # ---- running operations -------------------------------------------------------------------

    def attempt(self, operation, expected: str | None):
        """Run, commit; a refusal must carry the expected code and leave every row as it was."""
        before = self.q.state() if expected else None
        try:
            result = operation()
            db.session.commit()
        except LedgerError as exc:
            db.session.rollback()
            assert exc.code == expected, (exc.code, expected, exc.detail)
            assert self.q.state() == before, "a refused operation changed the books"
            return None
        assert expected is None, f"expected {expected}, but it posted"
        return result

    def post(self, movements, on: date, *, shape=None, voucher="BT", bad=False):
        drafts = [EntryDraft(units.get_unit(self.code[unit]), on, [self.coded(line) for line in lines],
                             voucher_type=voucher) for unit, lines in movements]
        expected = "validation" if bad else self.refusal(movements, on, shape=shape)
        tx = self.attempt(lambda: post_transaction(TransactionDraft(drafts)).id, expected)
        if tx is not None:
            self.record(tx, movements)

    def record(self, tx: int, movements, *, reversal=False) -> None:
        self.after(movements, apply=True)
        self.touched.update(unit for unit, _lines in movements)
        ids = db.session.scalars(select(Entry.id).where(Entry.transaction_id == tx).order_by(Entry.id)).all()
        self.expected_entries[tx] = len(movements)
        for entry_id, (unit, lines) in zip(ids, movements):
            self.entries.append({"id": entry_id, "unit": unit, "lines": lines, "tx": tx, "reversal": reversal})

    def coded(self, line: LineDraft) -> LineDraft:
        return LineDraft(line.account, self.code.get(line.fund, line.fund), line.debit, line.credit,
                         self.code[line.counterparty_unit] if line.counterparty_unit else None)

    # ---- rules --------------------------------------------------------------------------------

    @rule(kind=st.sampled_from(POSTINGS), unit=st.sampled_from(UNITS), f=funds, g=funds, a=amounts, b=amounts,
          share=shares, offset=st.integers(-10, 120), voucher=st.sampled_from(("BT", "PT", "PC")))
    def post_entry(self, kind, unit, f, g, a, b, share, offset, voucher):
        if kind in ("spend", "deposit", "withdraw"):
            a = self.portion(a, share, (unit, "112" if kind == "withdraw" else "111", f))
        if a == b:
            b = a - 1 if a > 1 else a + 1
        if f == g and kind == "unbalanced_fund":
            g = next(other for other in FUNDS if other != f)
        lines = simple_lines(kind, f, a) if kind in SIMPLE else {
            "two_funds": [L("111", f, a, 0), L("511", f, 0, a), L("112", g, b, 0), L("511", g, 0, b)],
            "unbalanced": [L("111", f, a, 0), L("511", f, 0, b)],
            "unbalanced_fund": [L("111", f, a, 0), L("511", g, 0, a)]}[kind]
        shape = kind if kind.startswith("unbalanced") else None
        self.post([(unit, lines)], self.day(unit, offset), shape=shape, voucher=voucher)

    @rule(unit=st.sampled_from(UNITS), fund=funds, gift=st.integers(1, 10**6), offset=st.integers(-10, 120),
          steps=st.lists(st.tuples(st.sampled_from(SIMPLE), st.integers(-3, 3)), min_size=2, max_size=4))
    def same_unit_entries(self, unit, fund, gift, offset, steps):
        """One transaction of several entries in the same unit's books, each spending what the ones before it
        left, give or take a few đồng: a spending that a later receipt would refill is still an overdraft."""
        running = {account: self.cash.get((unit, account, fund), 0) for account in GUARDED}
        movements = []
        for kind, nudge in steps:
            drained = DRAINS.get(kind)
            amount = gift if drained is None else min(MAX_AMOUNT, max(1, running[drained] + nudge))
            lines = simple_lines(kind, fund, amount)
            for line in lines:
                if line.account in GUARDED:
                    running[line.account] += line.debit - line.credit
            movements.append((unit, lines))
        self.post(movements, self.day(unit, offset))

    @rule(pair=st.lists(st.sampled_from(UNITS), min_size=2, max_size=2, unique=True), fund=funds, a=amounts,
          share=shares, offset=st.integers(-10, 120), grant=st.booleans())
    def transfer(self, pair, fund, a, share, offset, grant):
        """A grant (621/521) or a remittance (336/136): one transaction, an entry in each unit's books."""
        sender, receiver = pair
        a = self.portion(a, share, (sender, "111", fund))
        out, into = ("621", "521") if grant else ("336", "136")
        movements = [(sender, [L(out, fund, a, 0, receiver), L("111", fund, 0, a)]),
                     (receiver, [L("111", fund, a, 0), L(into, fund, 0, a, sender)])]
        self.post(movements, self.day(sender, offset))

    def portion(self, amount: int, share: int | None, key) -> int:
        """A share (in ‰, 1000 = all of it) of what the model says is there, else the drawn amount."""
        available = self.cash.get(key, 0)
        return amount if share is None or available == 0 else min(MAX_AMOUNT, max(1, available * share // 1000))

    @precondition(lambda self: self.entries)
    @rule(pick=st.integers(0, 10**6), offset=st.integers(-10, 120), reason=st.sampled_from(("Ghi nhầm", "  ")))
    def reverse(self, pick, offset, reason):
        chosen = self.entries[pick % len(self.entries)]
        siblings = [e for e in self.entries if e["tx"] == chosen["tx"]]
        on = self.day(chosen["unit"], offset)
        mirrored = [(e["unit"], [line.mirrored() for line in e["lines"]]) for e in siblings]
        expected = ("invalid_state" if chosen["reversal"] else "validation" if not reason.strip()
                    else "invalid_state" if chosen["tx"] in self.reversed_tx else self.refusal(mirrored, on))
        entry = services.get_entry(chosen["id"])
        reversal = self.attempt(lambda: services.reverse_entry(entry, on=on, reason=reason).transaction_id, expected)
        if reversal is not None:
            self.reversed_tx.add(chosen["tx"])
            self.record(reversal, mirrored, reversal=True)

    @rule(unit=st.sampled_from(UNITS), offset=st.integers(-20, 60))
    def close(self, unit, offset):
        through = self.day(unit, offset)
        # closing again through the same date is a repeat (409), an earlier one goes backwards (422)
        not_forward = self.closed[unit] is not None and through <= self.closed[unit]
        expected = "invalid_state" if through > TODAY or not_forward else None
        if self.attempt(lambda: services.close_books(units.get_unit(self.code[unit]), through), expected):
            self.closed[unit] = through
            self.closes += 1

    @rule(kind=st.sampled_from(BAD), unit=st.sampled_from(UNITS), a=amounts, offset=st.integers(-15, 120))
    def bad_posting(self, kind, unit, a, offset):
        fund = "F1"
        lines = {"unknown_account": [L("999", fund, a, 0), L("511", fund, 0, a)],
                 "unknown_fund": [L("111", "NO-SUCH-FUND", a, 0), L("511", "NO-SUCH-FUND", 0, a)],
                 "zero": [L("111", fund, 0, 0), L("511", fund, 0, 0)],
                 "too_big": [L("111", fund, MAX_AMOUNT + 1, 0), L("511", fund, 0, MAX_AMOUNT + 1)],
                 "float": [L("111", fund, float(a), 0), L("511", fund, 0, a)],
                 "bool": [L("111", fund, True, 0), L("511", fund, 0, True)],
                 "one_line": [L("111", fund, a, 0)],
                 "both_sides": [L("111", fund, a, a), L("511", fund, 0, a), L("512", fund, a, 0)],
                 "fund_elsewhere": [L("111", "F3", a, 0), L("511", "F3", 0, a)],
                 "endowment_spend": [L("611", "FE", a, 0), L("111", "FE", 0, a)]}[kind]
        if kind == "fund_elsewhere":
            unit = "C2"
        if kind == "endowment_spend":
            self.post([(unit, lines)], self.day(unit, offset), shape="endowment_principal")
        else:
            self.post([(unit, lines)], self.day(unit, offset), bad=True)

    @rule(unit=st.sampled_from(UNITS), offset=st.integers(-30, 200), consolidated=st.booleans())
    def trial_balance_matches_lines(self, unit, offset, consolidated):
        as_of = START + timedelta(days=offset)
        inside = ({self.code[u] for u in UNITS if u == unit or self.below(u, unit)} if consolidated
                  else {self.code[unit]})
        expected: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
        for row in db.session.execute(self.q.lines):
            if row.unit in inside and row.dated_on <= as_of and not (consolidated and row.cp in inside):
                expected[(row.account, row.fund)][0] += row.debit
                expected[(row.account, row.fund)][1] += row.credit
        report = balances.trial_balance(units.get_unit(self.code[unit]), as_of=as_of, consolidated=consolidated)
        assert {(r["account"], r["fund"]): [r["debit_total"], r["credit_total"]] for r in report["rows"]} == expected

    def below(self, unit: str, top: str) -> bool:
        while PARENT[unit] is not None:
            unit = PARENT[unit]
            if unit == top:
                return True
        return False

    # ---- invariants after every step ----------------------------------------------------------

    @invariant()
    def books_hold(self):
        rows = db.session.execute(self.q.lines).all()
        per_fund, guarded, totals, monthly = (defaultdict(int), defaultdict(int), defaultdict(lambda: [0, 0]),
                                              defaultdict(lambda: [0, 0]))
        for row in rows:
            per_fund[(row.entry, row.fund)] += row.debit - row.credit
            if row.is_no_negative:
                guarded[(row.unit, row.account, row.fund)] += row.debit - row.credit
            key = (row.unit_id, row.account_id, row.fund_id, row.counterparty_unit_id or 0)
            for bucket in (totals[key], monthly[key + (month_start(row.dated_on),)]):
                bucket[0] += row.debit
                bucket[1] += row.credit
        assert not {k: v for k, v in per_fund.items() if v}, "an entry does not balance per fund"      # 1
        assert all(v >= 0 for v in guarded.values()), "a no_negative balance went below zero"          # 5
        kept = {(b.unit_id, b.account_id, b.fund_id, b.cp_unit_id): [b.debit_total, b.credit_total]
                for b in db.session.execute(self.q.kept[0])}
        kept_monthly = {(m.unit_id, m.account_id, m.fund_id, m.cp_unit_id, m.month): [m.debit, m.credit]
                        for m in db.session.execute(self.q.kept[1])}
        assert kept == totals and kept_monthly == monthly, "kept balances differ from the lines"       # 9
        self.check_entries()
        self.verify(self.touched)
        self.touched = set()

    def teardown(self):
        self.verify(UNITS)

    def verify(self, names):
        """Hash chain and kept balances as `ledger check` sees them (10); unchanged units stay valid,
        since their rows are compared with snapshots after every step."""
        for name in names:
            result = verify.verify_unit(units.get_unit(self.code[name]))
            assert result.valid, result.problems
            assert result.entries_checked == sum(e["unit"] == name for e in self.entries)

    def check_entries(self):
        entries = db.session.execute(self.q.entries).all()
        assert [e.id for e in entries] == sorted(e["id"] for e in self.entries)
        lines = defaultdict(list)
        for line in db.session.execute(self.q.entry_lines):
            lines[line.entry_id].append(tuple(line))
        numbers = defaultdict(list)
        for entry in entries:
            numbers[(entry.unit_id, entry.voucher_type, entry.fiscal_year)].append(entry.seq)
            assert entry.number == f"{entry.voucher_type}-{entry.fiscal_year}-{entry.seq:06d}"
            assert entry.fiscal_year == entry.dated_on.year
            digest = hashlib.sha256(repr((tuple(entry), lines[entry.id])).encode()).hexdigest()
            if entry.id not in self.snapshots:                                                          # 4
                unit = next(e["unit"] for e in self.entries if e["id"] == entry.id)
                assert self.closed[unit] is None or entry.dated_on > self.closed[unit]
                self.snapshots[entry.id] = digest
            assert self.snapshots[entry.id] == digest, f"posted entry {entry.number} changed"         # 3
        assert all(sorted(seqs) == list(range(1, len(seqs) + 1)) for seqs in numbers.values())        # 6
        counts = dict(db.session.execute(self.q.entries_per_transaction).all())
        assert counts == self.expected_entries                                                          # 7
        audited = set(db.session.scalars(self.q.audited))
        assert audited == {str(t) for t in counts}, "a posted transaction has no audit row"             # 11
        assert db.session.scalar(self.q.close_audits) == self.closes, "a closing has no audit row"


class Queries:
    """The statements the checks run after every step, built once per example (building is the cost)."""

    def __init__(self, unit_ids: list[int], unit_codes: list[str]):
        mine = Entry.unit_id.in_(unit_ids)
        self.last_ids = select(*(select(func.max(c)).scalar_subquery() for c in (Entry.id, Line.id, Transaction.id,
                                                                                  AuditEvent.id)))
        self.kept = [select(t).where((t.c.id if t is Unit.__table__ else t.c.unit_id).in_(unit_ids))
                     .order_by(*t.primary_key) for t in (Balance.__table__, MonthlyBalance.__table__,
                                                         VoucherCounter.__table__, ChainHead.__table__, Unit.__table__)]
        cp = Unit.__table__.alias("cp")
        self.lines = (
            select(Entry.id.label("entry"), Unit.code.label("unit"), Entry.unit_id, Entry.dated_on,
                   Account.code.label("account"), Account.is_no_negative, Fund.code.label("fund"), Line.fund_id,
                   Line.account_id, Line.debit, Line.credit, cp.c.code.label("cp"), Line.counterparty_unit_id)
            .join(Entry, Line.entry_id == Entry.id).join(Unit, Entry.unit_id == Unit.id)
            .join(Account, Line.account_id == Account.id).join(Fund, Line.fund_id == Fund.id)
            .outerjoin(cp, Line.counterparty_unit_id == cp.c.id).where(mine).order_by(Line.id))
        self.entries = select(Entry.__table__).where(mine).order_by(Entry.id)
        self.entry_lines = select(Line.__table__).join(Entry, Line.entry_id == Entry.id).where(mine).order_by(Line.id)
        self.entries_per_transaction = select(Entry.transaction_id, func.count()).where(mine).group_by(
            Entry.transaction_id)
        self.audited = select(AuditEvent.object_id).where(
            AuditEvent.action == "transaction.post", AuditEvent.object_type == "transaction",
            AuditEvent.object_id.in_(select(cast(Entry.transaction_id, String)).where(mine)))
        self.close_audits = select(func.count()).where(AuditEvent.action == "books.close",
                                                       AuditEvent.object_id.in_(unit_codes))

    def state(self):
        """Last ids of the append-only tables, and every row of the example's units in the others."""
        return (tuple(db.session.execute(self.last_ids).one()),
                [db.session.execute(query).all() for query in self.kept])


def L(account, fund, debit, credit, counterparty_unit=None) -> LineDraft:
    return LineDraft(account, fund, debit, credit, counterparty_unit)


def simple_lines(kind: str, fund: str, amount: int) -> list[LineDraft]:
    return {"receipt": [L("111", fund, amount, 0), L("511", fund, 0, amount)],
            "spend": [L("611", fund, amount, 0), L("111", fund, 0, amount)],
            "deposit": [L("112", fund, amount, 0), L("111", fund, 0, amount)],
            "withdraw": [L("111", fund, amount, 0), L("112", fund, 0, amount)]}[kind]


def level_of(name: str) -> str:
    return {"P": "province", "B": "branch"}.get(name[0], "commune")


@pytest.mark.slow
def test_posting_service_keeps_every_invariant(app):
    """10,000 operations (100 examples × 100 steps: the ci profile's) on whichever engine the suite runs on."""
    run_state_machine_as_test(PostingMachine, settings=settings(
        deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]))
