"""``jmg-desktop monitor``: the demo's quarter 2 checked against arithmetic done here, from the
demo's source lines and its illustrative forecasts, and the exit codes of every refusal."""

from __future__ import annotations

import csv
import io
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from jmg_desktop.cli import main
from jmg_desktop.store.demo import load_demo_source
from jmg_desktop.store.monitoring_demo import DEMO_Q1, DEMO_Q2

MOVED = {
    "Care homes – residential placements": Decimal(-300_000),
    "Home support – external": Decimal(900_000),
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The command in-process: exit code, stdout, stderr."""
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def pounds(text: str) -> Decimal:
    """'£21,874,000.00' → Decimal('21874000.00')."""
    return Decimal(text.replace("£", "").replace(",", ""))


def expected_lines(
    forecasts: dict[str, tuple[str, str]], moved: dict[str, Decimal]
) -> dict[str, tuple[Decimal, Decimal]]:
    """Each Older People line's latest budget and variance, by service."""
    result = {}
    for line in load_demo_source()["lines"]:
        if line["pool"] != "Older People":
            continue
        latest = pounds(line["amount"]) + moved.get(line["service"], Decimal(0))
        forecast = pounds(forecasts[line["service"]][0]) if line["service"] in forecasts else latest
        result[line["service"]] = (latest, forecast - latest)
    return result


def test_quarter_2_csv_matches_independent_arithmetic(
    capsys: pytest.CaptureFixture[str], demo_path: Path
) -> None:
    """Every line's latest budget and variance, and the traffic light of a few, to the penny."""
    code, out, err = run(
        capsys, "monitor", str(demo_path), "--pool", "Older People", "--year", "2009/10", "--period", "2"
    )
    assert (code, err) == (0, "")
    rows = {row["service"]: row for row in csv.DictReader(io.StringIO(out))}
    expected = expected_lines(DEMO_Q2, MOVED)
    assert set(rows) == set(expected)
    for service, (latest, variance) in expected.items():
        assert Decimal(rows[service]["latest_budget"]) == latest, service
        assert Decimal(rows[service]["variance"]) == variance, service
    # 428,000 on 15,962,000 is 2.7 % but above £250,000: red. 84,000 on 4,318,000 is 1.9 %: amber.
    assert rows["Care homes – nursing placements"]["rag"] == "red"
    assert rows["Transitional and step-down beds"]["rag"] == "amber"
    assert rows["Home support – internal"]["rag"] == "green"  # 60,000 on 8,050,000 is 0.75 %
    # Respite care has no forecast in quarter 2: on budget, marked so; no line has an actual.
    respite = rows["Respite care"]
    assert (respite["forecast_entered"], respite["forecast_outturn"]) == ("no", respite["latest_budget"])
    assert rows["Home support – external"]["forecast_entered"] == "yes"
    assert {row["actual_to_date"] for row in rows.values()} == {""}


def test_quarter_2_json_totals_and_risk_share(capsys: pytest.CaptureFixture[str], demo_path: Path) -> None:
    """The pool's variance and its split: the host bears the first £250,000, the rest goes by
    contributions (latest budgets by partner), rounded half up; the shares add up exactly."""
    code, out, _err = run(
        capsys, "monitor", str(demo_path), "--pool", "Older People", "--year", "2009/10", "--format", "json"
    )
    assert code == 0
    document = json.loads(out)
    assert document["period"]["number"] == 2 and not document["period"]["closed"]
    expected = expected_lines(DEMO_Q2, MOVED)
    variance = sum(v for _latest, v in expected.values())
    assert Decimal(document["totals"]["pool"]["variance"]) == variance == Decimal(826_000)
    by_partner: dict[str, Decimal] = {}
    for line in load_demo_source()["lines"]:
        if line["pool"] == "Older People":
            latest = expected[line["service"]][0]
            by_partner[line["partner"]] = by_partner.get(line["partner"], Decimal(0)) + latest
    council, pct = by_partner["Oxfordshire County Council"], by_partner["Oxfordshire Primary Care Trust"]
    shared = (variance - 250_000) * council / (council + pct)
    council_share = 250_000 + shared.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    shares = {s["partner"]: Decimal(s["amount"]) for s in document["risk_share"]["shares"]}
    assert shares["Oxfordshire County Council"] == council_share
    assert shares["Oxfordshire Primary Care Trust"] == variance - council_share
    assert document["risk_share"]["kind"] == "overspend"


def test_a_closed_quarter_is_reported_as_frozen(capsys: pytest.CaptureFixture[str], demo_path: Path) -> None:
    """Quarter 1 (closed) shows its own forecasts and no quarter 2 movements."""
    code, out, _err = run(
        capsys,
        "monitor",
        str(demo_path),
        "--pool",
        "older people",
        "--year",
        "2009/10",
        "--period",
        "1",
        "--format",
        "json",
    )
    assert code == 0
    document = json.loads(out)
    assert document["period"]["closed"] is True
    expected = expected_lines(DEMO_Q1, {})
    lines = {line["service"]: line for line in document["lines"]}
    for service, (latest, variance) in expected.items():
        assert (Decimal(lines[service]["latest_budget"]), Decimal(lines[service]["variance"])) == (
            latest,
            variance,
        )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--pool", "Nope", "--year", "2009/10"], "There is no pool called “Nope”"),
        (["--pool", "Older People", "--year", "2009/10", "--period", "5"], "There is no period 5"),
        (["--pool", "Older People", "--year", "2009/10", "--period", "two"], "is not a whole number"),
        (["--pool", "Older People", "--year", "20x9"], "20x9"),
        (["--pool", "Older People", "--year", "2011/12"], "has no lines for 2011/12"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], demo_path: Path, args: list[str], message: str
) -> None:
    """Each refusal is one line on stderr, exit 2, nothing on stdout."""
    code, out, err = run(capsys, "monitor", str(demo_path), *args)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_an_unusable_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A missing workspace is refused in one line."""
    code, _out, err = run(capsys, "monitor", str(tmp_path / "none.jmg"), "--pool", "P", "--year", "2009/10")
    assert code == 2 and "does not exist" in err
