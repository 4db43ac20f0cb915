"""Views of the ledger and of fresh checks: status, clearance, verification; one definition each."""
