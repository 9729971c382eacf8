"""Helpers for the operations tests."""
import pytest


@pytest.fixture
def sql(db):
    """Run one statement on the superuser connection and return all rows (commits, so other
    connections opened with `connect` see the data)."""
    def _sql(statement, params=None):
        try:
            cur = db.execute(statement, params)
            rows = cur.fetchall() if cur.description else []
        except Exception:
            db.rollback()
            raise
        db.commit()
        return rows
    return _sql


@pytest.fixture
def one(sql):
    """The single value of a one-row, one-column query."""
    def _one(statement, params=None):
        rows = sql(statement, params)
        assert len(rows) == 1, rows
        return rows[0][0]
    return _one
