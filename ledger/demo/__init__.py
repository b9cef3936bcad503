"""The demo database: places.py (the seed plans' places, people and funds), load.py (`ledger demo`)."""
