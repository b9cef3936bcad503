"""`ledger export-journal`: a unit's books (or a subtree's) out in formats other ledgers read — the interchange
bundle our own import takes, an hledger journal and a beancount file — streamed entry by entry in posting order."""
