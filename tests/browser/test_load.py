"""A small load run in the suite: three concurrent sessions for 15 seconds against the shared server, with no errors."""

import json
import subprocess
import sys

import pytest

from dashboard import config

pytestmark = pytest.mark.browser


def test_three_sessions_for_fifteen_seconds_without_errors(app_server):
    command = [sys.executable, "-m", "benchmarks.load", "--url", app_server.url, "--server-pid", str(app_server.pid)]
    command += ["--sessions", "3", "--seconds", "15", "--json"]
    finished = subprocess.run(command, cwd=config.ROOT, capture_output=True, text=True, timeout=240)
    assert finished.stdout, finished.stderr[-3000:]
    report = json.loads(finished.stdout)
    assert report["errors"] == 0, report["error_messages"] + report["outside_requests"]
    assert finished.returncode == 0
    # Every session got past its first page and at least one other kind of step.
    assert report["steps"] >= 3
    assert len(report["by_kind"]) >= 2
    assert report["peak_rss_mb"] > 0
