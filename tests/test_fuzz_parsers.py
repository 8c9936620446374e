"""Generated and mutated inputs never crash a parser or flood the log."""

from __future__ import annotations


import pytest

from bench import fuzz_parsers


def test_parsers_survive_fuzzed_inputs() -> None:
    result = fuzz_parsers.run(count=4000, seed=7)

    assert result.failures == []
    assert result.total >= 3900
    assert set(result.inputs) == set(fuzz_parsers.SHARES)


@pytest.mark.slow
def test_parsers_survive_100k_inputs() -> None:
    result = fuzz_parsers.run(count=100_000, seed=1)

    assert result.failures == []
    assert result.total >= 100_000
