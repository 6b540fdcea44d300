"""Renderers run side by side return their results in order, and an error is raised as it was."""

from __future__ import annotations

import pytest

from npt_protocol.errors import InputError
from npt_protocol.render.typesetter import together


def test_results_come_back_in_order() -> None:
    assert together([lambda: 1, lambda: 2, lambda: 3]) == [1, 2, 3]
    assert together([lambda: "alone"]) == ["alone"]


def test_an_error_in_any_job_is_raised() -> None:
    def refuse() -> int:
        raise InputError("the second job says no.")

    with pytest.raises(InputError, match="the second job says no"):
        together([lambda: 1, refuse])
