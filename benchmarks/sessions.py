"""Many leaders at once: N sessions on one server, timed by the server, with clients too cheap to take its CPU.

python -m benchmarks.sessions --sessions 20 --seconds 60 [--db PATH] [--think 1.0] [--json]

Each session is a websocket client that speaks Streamlit's own protocol: it asks for a page run as a browser does on a
link (a random page, a random shared filter in its query string), reads the server's messages until the run has ended,
waits a moment as a reader would, and asks again. It draws nothing, so twenty of them in one asyncio process use a few
per cent of a core, where twenty Chromiums took both cores and set the pace (docs/PERFORMANCE.md, Load test).

Server time per page run is the script's own run time, which Streamlit reports at the end of every run in its page
profile message when `browser.gatherUsageStats` is on; this benchmark's server turns it on, and the clients send the
profile nowhere. It includes the time a run waits for the interpreter while other sessions' runs hold it, which is
what concurrency costs. The round trip (request sent to run finished, as the client saw it) is reported beside it.
The clients run at the lowest CPU priority (nice 19) so that the server gets the cores first.
"""

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks.load import ARTIFACTS, ServerUsage, bounded, link, percentile, serve, theme_labels
from dashboard import config

MAX_SESSIONS = 50
RUN_TIMEOUT_S = 120
FINISHED_FOR_RERUN = 2  # ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN: another run replaced this one


@dataclass
class Runs:
    """Every page run the sessions asked for: server time and round trip in ms, by page, and every error."""

    server_ms: dict[str, list[float]] = field(default_factory=dict)
    round_trip_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def page_of(target: str) -> str:
    """The page's name in a link ('/roadtrip?nation=Wales' -> 'roadtrip'; the Overview is '')."""
    return urlsplit(target).path.strip("/")


async def session(url: str, deadline: float, seed: int, think_s: float, runs: Runs) -> None:
    """One reader: open the app, then ask for a page on a shared link, read it, wait, and again until the deadline."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    rng = random.Random(seed)
    labels = theme_labels()
    stream = url.replace("http://", "ws://", 1) + "/_stcore/stream"
    async with websockets.connect(stream, subprotocols=["streamlit"], max_size=None, open_timeout=60) as socket:
        while time.monotonic() < deadline:
            target = link(rng, labels)
            request = BackMsg()
            request.rerun_script.page_name = page_of(target)
            request.rerun_script.query_string = urlsplit(target).query
            started = time.perf_counter()
            await socket.send(request.SerializeToString())
            server_ms = None
            try:
                async with asyncio.timeout(RUN_TIMEOUT_S):
                    while True:
                        message = ForwardMsg()
                        message.ParseFromString(await socket.recv())
                        kind = message.WhichOneof("type")
                        if kind == "page_profile" and not message.page_profile.is_fragment_run:
                            server_ms = message.page_profile.exec_time / 1000
                        if kind == "script_finished" and message.script_finished != FINISHED_FOR_RERUN:
                            break
            except TimeoutError:
                runs.errors.append(f"{target}: no finished run after {RUN_TIMEOUT_S} s")
                return
            runs.round_trip_ms.append((time.perf_counter() - started) * 1000)
            if server_ms is None:
                runs.errors.append(f"{target}: the server sent no page profile (is browser.gatherUsageStats on?)")
            else:
                runs.server_ms.setdefault(page_of(target) or "overview", []).append(server_ms)
            await asyncio.sleep(rng.uniform(0.5, 1.5) * think_s)


async def drive(url: str, sessions: int, seconds: float, think_s: float) -> Runs:
    """Start the sessions a quarter of a second apart and let them run until the time is up."""
    runs = Runs()
    deadline = time.monotonic() + seconds

    async def started(index: int) -> None:
        await asyncio.sleep(index * 0.25)
        try:
            await session(url, deadline, index, think_s, runs)
        except Exception as error:  # a session that breaks is a result to report, not a crash
            runs.errors.append(f"session {index}: {type(error).__name__}: {str(error)[:200]}")

    await asyncio.gather(*(started(index) for index in range(sessions)))
    return runs


def summary(
    runs: Runs, sessions: int, seconds: float, think_s: float, usage: ServerUsage, clients_cpu_s: float
) -> dict:
    """Percentiles of server time per page run, overall and by page, with the server's and the clients' CPU."""
    every = [value for values in runs.server_ms.values() for value in values]

    def stats(values: list[float]) -> dict:
        return {
            "runs": len(values),
            "p50_ms": round(statistics.median(values), 1) if values else None,
            "p95_ms": round(percentile(values, 0.95), 1) if values else None,
            "max_ms": round(max(values), 1) if values else None,
        }

    return {
        "sessions": sessions,
        "seconds": seconds,
        "think_s": think_s,
        **stats(every),
        "round_trip_p95_ms": round(percentile(runs.round_trip_ms, 0.95), 1) if runs.round_trip_ms else None,
        "by_page": {page: stats(values) for page, values in sorted(runs.server_ms.items())},
        "errors": len(runs.errors),
        "error_messages": runs.errors[:10],
        "server_cpu_s": round(usage.cpu_s, 1),
        "server_peak_rss_mb": round(usage.peak / 1_000_000),
        "clients_cpu_s": round(clients_cpu_s, 1),
        "load_average": [round(value, 1) for value in os.getloadavg()],
    }


def run(sessions: int, seconds: float, think_s: float = 1.0, db_path: Path | None = None) -> dict:
    """Serve the app on a database (the bundled data, built now, unless given) and drive the sessions against it."""
    with tempfile.TemporaryDirectory(prefix="gse-sessions-") as folder:
        if db_path is None:
            from dashboard import build

            db_path = Path(folder) / "gse.duckdb"
            build.build_bundled(config.DATA_DIR, db_path)
        extra_env = {"STREAMLIT_BROWSER_GATHER_USAGE_STATS": "true"}
        with serve(db_path, ARTIFACTS / "sessions-server.log", extra_env) as server:
            os.nice(19 - os.nice(0))  # from here the clients yield to the server, started at the caller's priority
            # One run of each page first, so the numbers are about many sessions, not the first query of each.
            asyncio.run(drive(server.url, 1, 0.1, 0))
            with ServerUsage(server.pid) as usage:
                clients = time.process_time()
                runs = asyncio.run(drive(server.url, sessions, seconds, think_s))
                clients_cpu_s = time.process_time() - clients
    return summary(runs, sessions, seconds, think_s, usage, clients_cpu_s)


def main(argv: list[str] | None = None) -> int:
    """Command line: run the sessions and print the summary; exit 1 when any error happened."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sessions", description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=bounded(1, MAX_SESSIONS), default=20, help="concurrent sessions")
    parser.add_argument("--seconds", type=bounded(1, 600, float), default=60, help="how long they run")
    parser.add_argument("--think", type=bounded(0, 30, float), default=1.0, help="mean pause between runs (s)")
    parser.add_argument("--db", type=Path, help="a built database (default: the bundled data, built now)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    report = run(args.sessions, args.seconds, args.think, args.db)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(
            f"{report['sessions']} sessions for {report['seconds']:.0f} s (pause {report['think_s']} s): "
            f"{report['runs']} page runs, {report['errors']} errors; server time per run p50 {report['p50_ms']} ms, "
            f"p95 {report['p95_ms']} ms, max {report['max_ms']} ms; round trip p95 {report['round_trip_p95_ms']} ms; "
            f"server CPU {report['server_cpu_s']} s, clients CPU {report['clients_cpu_s']} s, "
            f"server peak RSS {report['server_peak_rss_mb']} MB; load average {report['load_average']}"
        )
        for page, numbers in report["by_page"].items():
            print(f"  {page}: {numbers['runs']} runs, p50 {numbers['p50_ms']} ms, p95 {numbers['p95_ms']} ms")
        for message in report["error_messages"]:
            print(f"  error: {message}")
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
