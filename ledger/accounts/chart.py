"""The chart of accounts by name: every code the code base posts to, and what kind of account it is.

The seeded chart (data/chart.csv) holds names and sides; this module is where code says "cash" rather
than "111" (beancount's account_types.py is the model). Pure: no Flask, no database.
"""
ACCOUNT_TYPES = ("asset", "liability", "net_assets", "revenue", "expense")

# assets
CASH = "111"
BANK = "112"
DUE_FROM_UNIT = "136"  # phải thu nội bộ: what another unit owes this one
GOODS = "152"  # hiện vật: books, school things received in kind
# liabilities and the fund balance
OWED_TO_UNIT = "336"  # phải trả nội bộ: what this unit owes another
FUND_BALANCE = "421"
# revenue
DONATIONS = "511"
DUES = "512"
INTEREST = "515"
OTHER_INCOME = "518"
TRANSFERS_IN = "521"  # money another unit sent down or across
# expenses
SCHOLARSHIPS = "611"
AWARDS = "612"
OPERATIONS = "614"
ALLOWANCES = "615"
OTHER_EXPENSES = "618"
TRANSFERS_OUT = "621"

MONEY_ACCOUNTS = {"cash": CASH, "bank": BANK, "in_kind": GOODS}  # how money came in or went out
REVENUE_ACCOUNTS = {"donation": DONATIONS, "dues": DUES, "interest": INTEREST, "other": OTHER_INCOME}
EXPENSE_ACCOUNTS = {"scholarship": SCHOLARSHIPS, "award": AWARDS, "gift": AWARDS, "operations": OPERATIONS,
                    "allowance": ALLOWANCES, "other": OTHER_EXPENSES}
INTERNAL_ACCOUNTS = (DUE_FROM_UNIT, OWED_TO_UNIT)  # claims between units: they cancel in a consolidation
TRANSFER_ACCOUNTS = (TRANSFERS_IN, TRANSFERS_OUT)  # money moved between units: not the association's income
# What a consolidated trial balance of a subtree leaves out: both sides of every movement inside it.
ELIMINATED = INTERNAL_ACCOUNTS + TRANSFER_ACCOUNTS

