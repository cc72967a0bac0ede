"""The load test's report: per-page rows from locust's CSV (login left out, the aggregate last), worker memory."""

import csv
import importlib.util
from pathlib import Path

HEADER = ["Type", "Name", "Request Count", "Failure Count", "Median Response Time", "Max Response Time", "Requests/s"]
PERCENTILES = ["50%", "95%", "99%"]


def load_report():
    spec = importlib.util.spec_from_file_location("loadtest_report", Path(__file__).parents[2] / "loadtest/report.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_table_lists_each_page_then_all_pages_without_the_login(tmp_path):
    report = load_report()
    with (tmp_path / "personas_stats.csv").open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER + PERCENTILES)
        writer.writerow(["GET", "customer list", "1200", "0", "40", "310.5", "40.2", "40", "120", "200"])
        writer.writerow(["POST", "login", "8", "0", "900", "1200", "0.1", "900", "1200", "1200"])
        writer.writerow(["", "Aggregated", "3000", "2", "45", "900", "100.4", "45", "180", "400"])
    lines = report.table(report.stats(tmp_path, "personas"))
    assert lines[2] == "| customer list | 1,200 | 0 | 40.2 | 40 | 120 | 200 | 310 |"
    assert lines[-1].startswith("| **all pages** | 3,000 | 2 | 100.4 |")
    assert not any("login" in line for line in lines)
    assert report.stats(tmp_path, "list") == []


def test_worker_memory_is_the_peak_of_the_samples(tmp_path):
    report = load_report()
    (tmp_path / "rss.txt").write_text("102400 104448\n110592 103424\n")
    assert report.memory(tmp_path).startswith("108 MB peak per worker")
    assert report.memory(tmp_path / "missing") == "not sampled"
