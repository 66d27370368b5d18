"""``jmg-desktop project``: the demo's projection checked against figures computed here, independently.

The expected values are worked out from the demo's source data (resources/demo/oxfordshire.json)
with Decimal arithmetic and the issue's formula, not with the application's projection code.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from jmg_desktop.cli import main
from jmg_desktop.store.demo import load_demo_source

PENNY = Decimal("0.01")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The command in-process: exit code, stdout, stderr."""
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def source_lines(pool: str = "Older People") -> list[dict[str, str]]:
    """The demo pool's 2009/10 lines as authored."""
    return [
        line for line in load_demo_source()["lines"] if line["pool"] == pool and line["year"] == "2009/10"
    ]


def pounds(text: str) -> Decimal:
    """'£21,874,000.00' → Decimal('21874000.00')."""
    return Decimal(text.replace("£", "").replace(",", ""))


def expected_path(start: Decimal, factor: Decimal, years: int) -> list[str]:
    """Year-by-year amounts rounded half-up to the penny, base year first."""
    values = [start]
    for _ in range(years):
        values.append((values[-1] * factor).quantize(PENNY, rounding=ROUND_HALF_UP))
    return [f"{value:.2f}" for value in values]


def test_csv_for_high_inflation_matches_independent_arithmetic(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "project", str(demo_path), "--pool", "Older People", "--from", "2009/10", "--years", "3",
        "--scenario", "High inflation",
    )  # fmt: skip
    assert (code, err) == (0, "")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["financial_year", "service", "category", "partner", "amount"]
    factor = Decimal("1.045") * Decimal("1.02") * Decimal("0.985")
    lines = source_lines()
    expected = []
    paths = [expected_path(pounds(line["amount"]), factor, 3) for line in lines]
    for index, year in enumerate(["2009/10", "2010/11", "2011/12", "2012/13"]):
        for line, path in zip(lines, paths, strict=True):
            expected.append([year, line["service"], line["category"], line["partner"], path[index]])
    assert rows[1:] == expected
    # One line by hand: 3,342,000 × 1.045 = 3,492,390; × 1.02 = 3,562,237.80; × 0.985 = 3,508,804.233 → .23.
    assert [
        "2010/11",
        "Day services – internal",
        "Day services",
        "Oxfordshire County Council",
        "3508804.23",
    ] in rows


def test_json_for_central_scenario_with_overrides_adjustments_and_linked_totals(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "project", str(demo_path), "--pool", "older people", "--from", "2009/10", "--years", "3",
        "--scenario", "Central", "--format", "json",
    )  # fmt: skip
    assert code == 0
    document = json.loads(out)
    # The layout is json.dumps(indent=1)'s, as it always was (tools diff these files).
    assert out == json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    assert document["years"] == ["2009/10", "2010/11", "2011/12", "2012/13"]
    rows = {(row["financial_year"], row["service"]): row["amount"] for row in document["rows"]}
    # Care homes take 3% growth (the override): 21,874,000 × 1.025 = 22,420,850; × 1.03 =
    # 23,093,475.50; × 0.985 = 22,747,073.3675 → 22,747,073.37.
    assert rows[("2010/11", "Care homes – residential placements")] == "22747073.37"
    # Others take 2%: 3,342,000 × 1.025 × 1.02 × 0.985 = 3,441,650.085 → .09.
    assert rows[("2010/11", "Day services – internal")] == "3441650.09"
    # The home support adjustment is a row of its own: £250,000 from 2011/12, then
    # 250,000 × 1.025 × 1.02 × 0.985 = 257,454.375 → 257,454.38.
    label = "Extra home support hours for hospital discharge"
    assert [rows[(year, label)] for year in document["years"]] == ["0.00", "0.00", "250000.00", "257454.38"]
    totals = document["totals"]
    council = "Oxfordshire County Council"
    # The base year reproduces the published new values: £86.946m alone, £94.836m with linked pools.
    assert totals["by_partner"][council]["2009/10"] == "86946000.00"
    assert totals["by_partner_including_linked"][council]["2009/10"] == "94836000.00"
    own_2010 = sum(Decimal(row["amount"]) for row in document["rows"] if row["financial_year"] == "2010/11")
    assert Decimal(totals["pool"]["2010/11"]) == own_2010
    # The equipment store move is a one-off in the linked Equipment pool: in 2010/11 only.
    linked_gap = [
        Decimal(totals["pool_including_linked"][y]) - Decimal(totals["pool"][y]) for y in document["years"]
    ]
    first_step = Decimal(0)
    for line in source_lines("Equipment") + source_lines("Physical Disabilities"):
        growth = Decimal("1.03") if line["category"] == "Care homes" else Decimal("1.02")
        factor = Decimal("1.025") * growth * Decimal("0.985")
        first_step += (pounds(line["amount"]) * factor).quantize(PENNY, rounding=ROUND_HALF_UP)
    assert linked_gap[1] == first_step + Decimal("120000")
    assert linked_gap[0] == Decimal("9837000.00")  # 3.402+2.512+0.842+0.074+1.878+1.105+0.024 £m
    assert document["warnings"] == []


def test_command_line_rates_replace_the_scenario_defaults(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "project", str(demo_path), "--pool", "Older People", "--from", "2009/10", "--years", "1",
        "--scenario", "High inflation", "--inflation", "0", "--growth", "0%", "--savings", "-1",
    )  # fmt: skip
    assert code == 0
    rows = {(r[0], r[1]): r[4] for r in csv.reader(io.StringIO(out))}
    # Savings of -1% alone: 3,342,000 × 1.01 = 3,375,420.00.
    assert rows[("2010/11", "Day services – internal")] == "3375420.00"


def test_without_a_scenario_lines_stay_flat_and_output_can_go_to_a_file(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_path = tmp_path / "projection.csv"
    code, out, _ = run(
        capsys, "project", str(demo_path), "--pool", "Equipment", "--from", "2009/10", "--years", "2", "-o", str(out_path)
    )  # fmt: skip
    assert (code, out) == (0, "")
    rows = list(csv.reader(io.StringIO(out_path.read_text(encoding="utf-8"))))
    assert len(rows) == 1 + 3 * 3
    assert {r[4] for r in rows if r[1] == "Community equipment service"} == {"1878000.00"}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--years", "x"], "not a whole number"),
        (["--years", "51"], "between 0 and 50"),
        (["--from", "2009"], "calendar year"),
        (["--inflation", "two"], "--inflation “two” is not a percentage"),
        (["--savings", "150"], "out of range"),
        (["--scenario", "Nope"], "no scenario called “Nope”"),
        (["--pool", "Nope"], "no pool called “Nope”"),
        (["--from", "2015/16"], "no lines for 2015/16"),
        (["--format", "xml"], "invalid choice"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(
    demo_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    args = {"--pool": "Older People", "--from": "2009/10", "--years": "2"}
    for option, value in zip(extra[::2], extra[1::2], strict=True):
        args[option] = value
    flat = [item for pair in args.items() for item in pair]
    code, out, err = run(capsys, "project", str(demo_path), *flat)
    assert code == 2
    assert out == ""
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_an_unusable_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bogus = tmp_path / "notes.jmg"
    bogus.write_text("not a database", encoding="utf-8")
    code, _, err = run(capsys, "project", str(bogus), "--pool", "X", "--from", "2009/10", "--years", "1")
    assert code == 2
    assert "not a JMG Desktop workspace" in err


def test_compare_adds_the_difference_per_year_and_in_total(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "project", str(demo_path), "--pool", "Physical Disabilities", "--from", "2009/10",
        "--years", "2", "--scenario", "High inflation", "--compare", "Savings plan", "--format", "json",
    )  # fmt: skip
    assert code == 0
    assert out == json.dumps(json.loads(out), indent=1, ensure_ascii=False) + "\n"
    comparison = json.loads(out)["comparison"]
    assert (comparison["first"], comparison["second"]) == ("High inflation", "Savings plan")
    # Worked here from the source lines: each line rounded to the penny each year, per scenario.
    high = Decimal("1.045") * Decimal("1.02") * Decimal("0.985")
    plan = Decimal("1.025") * Decimal("1.02") * Decimal("0.97")
    amounts = [pounds(line["amount"]) for line in source_lines("Physical Disabilities")]
    first = [sum(Decimal(expected_path(a, high, 2)[i]) for a in amounts) for i in range(3)]
    second = [sum(Decimal(expected_path(a, plan, 2)[i]) for a in amounts) for i in range(3)]
    by_year = comparison["pool"]["by_year"]
    for index, year in enumerate(["2009/10", "2010/11", "2011/12"]):
        assert Decimal(by_year[year]["first"]) == first[index]
        assert Decimal(by_year[year]["difference"]) == second[index] - first[index]
    assert Decimal(comparison["pool"]["total"]["difference"]) == sum(second) - sum(first)
    assert by_year["2009/10"]["difference"] == "0.00"


def test_compare_needs_json(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "project", str(demo_path), "--pool", "Equipment", "--from", "2009/10", "--years", "1",
        "--compare", "Central",
    )  # fmt: skip
    assert (code, out) == (2, "")
    assert "use it with --format json" in err
