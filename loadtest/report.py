"""Write the load test's report (Markdown) from locust's CSV files and the worker memory samples of run.sh.

python loadtest/report.py RAW_DIR --users 8 --duration 5m --list-duration 1m --user-rps 20 [--floor FILE]
"""

import argparse
import csv
import datetime
import os
import subprocess
import sys
from pathlib import Path

TARGETS = (
    "≥ 100 requests/s of the persona mix with p95 < 250 ms and no errors; the customer list alone ≥ 100 requests/s"
)


def stats(raw: Path, mix: str) -> list[dict]:
    path = raw / f"{mix}_stats.csv"
    if not path.exists():
        return []
    with path.open() as rows:
        return list(csv.DictReader(rows))


def table(rows: list[dict]) -> list[str]:
    lines = [
        "| page | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in sorted(rows, key=lambda row: (row["Name"] == "Aggregated", row["Name"])):
        if row["Name"] in ("login", "login form"):
            continue
        name = "**all pages**" if row["Name"] == "Aggregated" else row["Name"]
        lines.append(
            f"| {name} | {int(row['Request Count']):,} | {int(row['Failure Count']):,} | "
            f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {row['99%']} | "
            f"{float(row['Max Response Time']):.0f} |"
        )
    return lines


def memory(raw: Path) -> str:
    samples = []
    path = raw / "rss.txt"
    for line in path.read_text().splitlines() if path.exists() else []:
        samples += [int(value) for value in line.split()]
    if not samples:
        return "not sampled"
    return f"{max(samples) / 1024:.0f} MB peak per worker (median sample {sorted(samples)[len(samples) // 2] / 1024:.0f} MB)"


def data_sizes() -> str:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm_site.settings")
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples::bigint FROM pg_class WHERE relname IN ('customers_customer', "
            "'customers_interaction', 'sales_opportunity', 'sales_payment') ORDER BY relname"
        )
        return ", ".join(f"{name} {rows:,}" for name, rows in cursor.fetchall())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("raw", type=Path)
    parser.add_argument("--users", default="8")
    parser.add_argument("--duration", default="5m")
    parser.add_argument("--list-duration", default="1m")
    parser.add_argument("--user-rps", default="20")
    parser.add_argument("--floor", default="")
    options = parser.parse_args()
    git = ["git", "rev-parse", "--short", "HEAD"]  # noqa: S607 -- git from PATH, as the Makefile runs it
    commit = subprocess.run(git, capture_output=True, text=True, check=False).stdout.strip()  # noqa: S603
    load = " ".join(f"{value:.1f}" for value in os.getloadavg())
    out = [
        "# Performance: HTTP load test",
        "",
        "Written by `loadtest/run.sh` (do not edit by hand; run it again). gunicorn with 2 sync workers on loopback,",
        "the bench database (`manage.py seed_bench --customers 1000000 --interactions 5000000 --units 200000",
        "--opportunities 500000`), locust on the same machine, each simulated user drawing its files and search terms",
        "from the data (`loadtest/inputs.py`). Rep: my day, list, search, 360 page, log a contact, board; manager: team",
        "board, reports, list; executive: reports, team board (weights in `loadtest/locustfile.py`).",
        "",
        f"- run: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, commit {commit or '?'}, "
        f"{os.cpu_count()} CPUs, load average after the run {load}",
        f"- users: {options.users}, at most {options.user_rps} requests/s each; persona mix for {options.duration}, "
        f"then the customer list alone for {options.list_duration}",
        f"- data: {data_sizes()}",
        f"- gunicorn worker memory: {memory(options.raw)}",
        f"- targets (issue 9): {TARGETS}",
        "",
        "## Persona mix",
        "",
        *table(stats(options.raw, "personas")),
    ]
    listed = stats(options.raw, "list")
    if listed:
        out += ["", "## The customer list alone", "", *table(listed)]
    if options.floor and Path(options.floor).exists():
        out += ["", "## The floor, measured in the same run (`../shared/floor`)", "", "```"]
        out += [Path(options.floor).read_text().rstrip(), "```"]
    print("\n".join(out))


if __name__ == "__main__":
    main()
