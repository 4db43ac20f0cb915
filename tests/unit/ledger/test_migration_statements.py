"""Specification: a migration script is run statement by statement, a trigger (whose body holds
semicolons of its own) as one (`connection.statements`)."""

from __future__ import annotations

from rollkeeper.ledger.connection import statements

SCRIPT = """
    CREATE TABLE kept (id TEXT PRIMARY KEY);
    CREATE TRIGGER forget AFTER UPDATE ON kept BEGIN
        DELETE FROM kept WHERE id = OLD.id;
        DELETE FROM kept WHERE id = NEW.id;
    END;
    -- a closing remark
    """


def test_a_trigger_is_one_statement_however_many_semicolons_its_body_holds() -> None:
    found = [s.strip() for s in statements(SCRIPT)]

    assert found[0] == "CREATE TABLE kept (id TEXT PRIMARY KEY);"
    assert found[1].startswith("CREATE TRIGGER forget") and found[1].endswith("END;")
    assert found[1].count(";") == 3


def test_nothing_but_blanks_between_statements_is_run() -> None:
    assert [s.strip() for s in statements("  ;\n ; CREATE TABLE t (x);  \n")] == [
        "CREATE TABLE t (x);"
    ]
