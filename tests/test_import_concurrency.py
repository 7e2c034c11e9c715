"""A large import never blocks anyone else, against gunicorn over one SQLite file: while
one person's import of 20,000 entries runs, another person's saves (one every 100 ms)
and sign-ins all succeed. The slowest of each is printed (``-s``) and recorded; the
figures at 150,000 entries come from ``bench/import_concurrency.py``."""

import pytest

from bench.import_concurrency import run_scenario

ENTRIES = 20_000


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_saves_and_sign_ins_succeed_while_a_large_import_runs(tmp_path, record_property):
    figures = run_scenario(tmp_path, ENTRIES, workers=2)
    print(figures.report())
    record_property("slowest_save_seconds", max(figures.saves))
    record_property("slowest_sign_in_seconds", max(figures.sign_ins))
    assert figures.failures == []
    assert figures.job_state == "done" and figures.imported == ENTRIES
    assert len(figures.saves) > 10 and len(figures.sign_ins) > 1
