"""Under CI=true a test that skips for a missing resource fails; only postgres_only and allowed_skip may skip."""

from __future__ import annotations

import pytest

TESTS = '''
import pytest

def test_missing_resource():
    pytest.skip("reference data not found")

@pytest.mark.postgres_only
def test_on_postgres():
    pass

@pytest.mark.allowed_skip("CI cannot have it")
def test_allowed():
    pytest.skip("not here")

@pytest.mark.skipif(True, reason="a condition")
def test_skipif():
    pass

@pytest.mark.xfail(reason="known")
def test_expected_failure():
    assert False
'''

CONFTEST = "from tests.conftest import pytest_runtest_makereport, pytest_runtest_setup  # noqa: F401\n"
INI = '''[pytest]
markers =
    postgres_only: x
    allowed_skip(why): x
'''


@pytest.fixture
def run(pytester, monkeypatch):
    pytester.makepyfile(test_policy=TESTS)
    pytester.makeconftest(CONFTEST)
    pytester.makeini(INI)
    monkeypatch.delenv("TEST_DATABASE_URL", raising=False)

    def run_with(ci: str | None):
        if ci is None:
            monkeypatch.delenv("CI", raising=False)
        else:
            monkeypatch.setenv("CI", ci)
        return pytester.runpytest_inprocess("-p", "no:cacheprovider", "-rs")

    return run_with


def test_outside_ci_skips_are_skips(run):
    run(None).assert_outcomes(skipped=4, xfailed=1)


def test_in_ci_only_the_allowed_skips_remain(run):
    result = run("true")
    # the plain skip fails in its call, the skipif one in its setup (an error); postgres_only and allowed_skip skip
    result.assert_outcomes(failed=1, errors=1, skipped=2, xfailed=1)
    result.stdout.fnmatch_lines(["*CI=true: a test may not skip for a missing resource*"])
    result.stdout.fnmatch_lines(["*PostgreSQL only*"])
