"""Benchmarks: a 10,000-line × 10-year projection must take at most 100 ms (DESIGN.md budget).

Run explicitly: ``pytest tests/benchmarks/test_projection_benchmark.py -q -s``. Figures printed are
the best and the median of several rounds on this machine.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from decimal import Decimal

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.projection import BaseLine, project, project_totals
from jmg_desktop.core.scenario import RateOverride, Scenario

BUDGET_SECONDS = 0.100


def _lines(count: int = 10_000) -> list[BaseLine]:
    """A pool shaped like a large real one: a dozen categories, two partners, some linked lines."""
    rng = random.Random(20091)
    categories = [f"Category {number}" for number in range(12)]
    return [
        BaseLine(
            key=number,
            service=f"Service {number}",
            category=rng.choice(categories),
            partner=rng.choice(["Oxfordshire County Council", "Oxfordshire PCT"]),
            effect=rng.choice(["current"] * 8 + ["addition", "removal"]),
            pence=rng.randint(1_000_00, 5_000_000_00),
            linked=rng.random() < 0.1,
        )
        for number in range(count)
    ]


SCENARIO = Scenario(
    "Central",
    inflation=Decimal("0.025"),
    growth=Decimal("0.02"),
    savings=Decimal("0.015"),
    overrides=(RateOverride("inflation", Decimal("0.04"), category="Category 3"),),
)


def _timed(action: Callable[[], object], rounds: int = 15) -> tuple[float, float]:
    """Best and median time of ``rounds`` runs, in seconds, and print the CPU time as well.

    The machine is shared: wall time is what a user waits for, CPU time (this process only)
    shows the work itself when other jobs compete for the two cores.
    """
    times, cpu = [], []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(
        f"\n  (CPU time: best {min(cpu) * 1000:.1f} ms, median {statistics.median(cpu) * 1000:.1f} ms)",
        end="",
    )
    return min(times), statistics.median(times)


def test_project_10000_lines_10_years() -> None:
    lines = _lines()
    best, median = _timed(lambda: project(lines, SCENARIO, FinancialYear(2009), 10))
    print(f"\nproject(): 10,000 lines × 10 years: best {best * 1000:.1f} ms, median {median * 1000:.1f} ms")
    assert best <= BUDGET_SECONDS  # the best run: least disturbed by other jobs on the shared cores


def test_project_and_total_10000_lines_10_years() -> None:
    lines = _lines()

    def whole() -> None:
        result = project(lines, SCENARIO, FinancialYear(2009), 10)
        result.totals_by_partner(include_linked=True)
        result.pool_totals()

    best, median = _timed(whole)
    print(f"\nproject() + totals: best {best * 1000:.1f} ms, median {median * 1000:.1f} ms")
    assert best <= BUDGET_SECONDS  # the best run: least disturbed by other jobs on the shared cores


def test_what_if_totals_10000_lines_10_years() -> None:
    lines = _lines()
    best, median = _timed(lambda: project_totals(lines, SCENARIO, FinancialYear(2009), 10))
    print(f"\nproject_totals() (meeting what-if): best {best * 1000:.1f} ms, median {median * 1000:.1f} ms")
    assert best <= BUDGET_SECONDS  # the best run: least disturbed by other jobs on the shared cores
