"""Tests that need a program from the operating system (Chromium, PostgreSQL).

Where the program is missing, such a test is skipped with a reason that names the
package to install (``scripts/system-packages test`` installs them as root). Under
``CI=true`` the run fails when any test was skipped for that reason: CI must run
everything.
"""

import os

import pytest

MISSING = "missing system package"


def skip_without(package: str, needed_for: str) -> None:
    """Skip the calling test: ``package`` is not installed."""
    pytest.skip(f"{MISSING} {package!r} for {needed_for}: install it with "
                f"'sudo apt-get install {package}' or 'scripts/system-packages test'")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Report every skip for a missing package at one place, so the summary says it
    once per package rather than once per test."""
    outcome = yield
    report = outcome.get_result()
    longrepr = report.longrepr
    if report.skipped and isinstance(longrepr, tuple) and MISSING in str(longrepr[2]):
        report.longrepr = (__file__, _SKIP_LINE, longrepr[2])


_SKIP_LINE = skip_without.__code__.co_firstlineno


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _skipped_for_missing_packages(terminalreporter) -> list:
    return [report for report in terminalreporter.stats.get("skipped", [])
            if MISSING in str(report.longrepr)]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = _skipped_for_missing_packages(terminalreporter)
    if skipped and _in_ci():
        terminalreporter.write_line(
            f"FAILED: {len(skipped)} tests were skipped for a missing system package, "
            "and CI must run every test.", red=True, bold=True)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or not _in_ci():
        return
    if _skipped_for_missing_packages(reporter) and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
