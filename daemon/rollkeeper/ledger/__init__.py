"""The SQLite ledger: the single source of truth. No SQL or sqlite3.Row leaves this package."""
