"""Shared test configuration: Hypothesis profiles.

`dev` is the default: quick enough to run on every save. `ci` runs more examples, derandomized so
a failure in CI reproduces, with no per-example deadline (shared runners are slow and uneven). It
loads automatically when the CI environment variable is set; HYPOTHESIS_PROFILE overrides both.
`mutation` is for mutation testing (docs/testing.md): few examples, derandomized and without the
example database, so a mutant is killed or not the same way on every run, and no deadline, because
mutmut's instrumented code is slower.

Under mutation testing (mutmut sets MUTANT_UNDER_TEST) the shipped catalogue is loaded afresh:
the copy cached when the tests were collected was built before the mutant was switched on, so a
mutant in the catalogue's loader would otherwise never run. While mutmut records which tests reach
which functions ("stats"), every test loads it, so every test that uses it is counted.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
from courses import database  # noqa: F401 - the course database fixture, on both backends
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=50, deadline=dt.timedelta(seconds=1))
settings.register_profile(
    "ci",
    max_examples=200,
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "mutation",
    max_examples=30,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


_CATALOGUE_LOADED_FOR: list[str] = [""]  # the mutant the cached catalogue was loaded under


@pytest.fixture(autouse=True)
def _fresh_catalogue_under_mutation() -> None:
    """Load the shipped catalogue afresh once a mutant is switched on (for every test while
    mutmut records which tests reach which functions)."""
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    if mutant and (mutant == "stats" or mutant != _CATALOGUE_LOADED_FOR[0]):
        from npt_protocol.catalogue.products import shipped_catalogue  # noqa: PLC0415 - only mutation runs need it

        shipped_catalogue.cache_clear()
        _CATALOGUE_LOADED_FOR[0] = mutant


@pytest.fixture(autouse=True, scope="session")
def _user_data_folder_of_the_tests(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Give the commands an empty user data folder of the tests' own: `npt session --patient`
    looks for the course database there, and must never find the real one of the machine."""
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("user-data"))
