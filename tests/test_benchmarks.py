"""The benchmark harness works: its quick mode measures every page and query, and its pandas baselines agree with SQL.

No timing is asserted here; the numbers live in docs/PERFORMANCE.md.
"""

import json

import pytest

from benchmarks import baselines, run
from dashboard import config, data
from dashboard.filters import Filters


def test_pages_are_discovered_from_the_entry_script():
    pages = run.discover_pages()
    entry = (config.ROOT / "streamlit_app.py").read_text()
    assert pages and pages[0].url == ""
    for page in pages:
        assert f'"{page.path}"' in entry
        assert (config.ROOT / page.path).exists()


def test_quick_mode_measures_every_page_and_query(bundled_db, tmp_path):
    report, raw = tmp_path / "PERFORMANCE.md", tmp_path / "results.json"
    report.write_text("# Old\n\n## Load test\n\nKept | as | is\n\n## Results at 1x\n\nstale numbers\n")

    arguments = ["--quick", "--db", str(bundled_db), "--data", str(config.DATA_DIR), "--report", str(report)]
    status = run.main([*arguments, "--json", str(raw)])

    (results,) = json.loads(raw.read_text())
    assert status == 0, results["errors"]
    titles = [page.title for page in run.discover_pages()]
    assert list(results["pages"]) == titles
    for times in results["pages"].values():
        assert all(len(times[kind]) == 1 and times[kind][0] > 0 for kind in ("cold", "warm", "cached"))
    assert set(results["queries"]) == set(run.query_names())
    assert set(results["baseline_matches"]) == {
        f"{n} ({label})" for n in baselines.BASELINES for label in ("all", "filtered")
    }
    assert all(results["baseline_matches"].values())
    written = report.read_text()
    assert "## Load test\n\nKept | as | is\n" in written
    assert "stale numbers" not in written
    assert all(f"| {title} |" in written for title in titles)


@pytest.mark.parametrize("name", sorted(baselines.BASELINES))
@pytest.mark.parametrize(
    "filters",
    [Filters(), Filters(theme_ids=("cpd", "skills"), nations=("England", "Scotland"), department_ids=("SG", "DSTL"))],
    ids=["unfiltered", "filtered"],
)
def test_pandas_baseline_gives_the_query_result(name, filters, bundled_db, use_db):
    use_db(bundled_db)
    frames = baselines.read_frames(config.DATA_DIR, baselines.tagged_themes())
    parameters = run.query_parameters(name, filters)

    expected = data.query(name, **parameters)

    assert baselines.same_result(expected, baselines.BASELINES[name](frames, parameters), run.key_columns(name))


def test_a_different_result_is_not_the_same():
    frame = baselines.theme_counts(
        {
            "workshops": baselines.pd.DataFrame(
                {"workshop_id": ["w1"], "location_id": ["x"], "held_on": [baselines.pd.Timestamp("2025-01-01")]}
            ),
            "locations": baselines.pd.DataFrame({"location_id": ["x"], "name": ["X"], "nation": ["Wales"]}),
            "suggestions": baselines.pd.DataFrame(
                {"workshop_id": ["w1", "w1"], "theme_id": ["cpd", "cpd"], "theme_source": ["manual", "auto"]}
            ),
            "themes": baselines.pd.DataFrame({"theme_id": ["cpd", "skills"], "label": ["CPD", "Skills"]}),
        },
        dict.fromkeys(["theme_ids", "nations", "location_ids", "date_from", "date_to"]),
    )
    assert frame["suggestions"].tolist() == [2, 0]
    changed = frame.assign(suggestions=[2, 1])
    assert not baselines.same_result(frame, changed, ["theme_id"])
    assert baselines.same_result(frame, frame.copy(), ["theme_id"])


@pytest.mark.browser
def test_the_benchmarks_browser_reaches_this_machine_and_nothing_else(tmp_path):
    import http.server
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from playwright.sync_api import Error, sync_playwright

    from benchmarks.browser import OFFLINE
    from benchmarks.load import CHROMIUM, CHROMIUM_ARGS

    (tmp_path / "index.html").write_text("<p>here</p>")
    handler = lambda *args: http.server.SimpleHTTPRequestHandler(*args, directory=tmp_path)  # noqa: E731
    local = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=local.serve_forever, daemon=True).start()

    def visit() -> tuple[str, str]:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, OFFLINE])
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{local.server_port}/")
            shown = page.inner_text("body")
            try:
                page.goto("http://tiles.example.com/0/0/0.png", timeout=10_000)
                outside = "reached"
            except Error as error:
                outside = str(error)
            browser.close()
            return shown, outside

    # A thread of its own: sync Playwright refuses to start inside the browser suite's running Playwright loop.
    try:
        with ThreadPoolExecutor(1) as pool:
            shown, outside = pool.submit(visit).result()
    finally:
        local.shutdown()
    assert "here" in shown
    # Refused by the proxy on a closed port, not by a name lookup: nothing leaves the machine, not even DNS.
    assert "ERR_PROXY_CONNECTION_FAILED" in outside


@pytest.mark.browser
def test_browser_measures_a_page_and_the_hello_floor(bundled_db, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from benchmarks import browser

    # A thread of its own: sync Playwright refuses to start inside the browser suite's running Playwright loop.
    with ThreadPoolExecutor(1) as pool:
        measured = pool.submit(browser.measure, bundled_db, {"Overview": ""}, repeats=1, work_dir=tmp_path).result()

    assert not measured.errors
    for title in ("hello", "Overview"):
        (load,) = measured.loads[title]
        assert load.ms > 0 and load.received > 0 and not load.exceptions
    assert measured.loads["Overview"][0].received > measured.loads["hello"][0].received
    # Each floor drew its one chart, in its own library, and the hello page none.
    drawn = {
        title: [(load.plotly, load.vega, load.echarts, load.exceptions) for load in measured.loads[title]]
        for title in ("hello", *browser.FLOORS)
    }
    assert drawn == {
        "hello": [(0, 0, 0, 0)],
        "hello + one Plotly chart": [(1, 0, 0, 0)],
        "hello + one Vega-Lite chart": [(0, 1, 0, 0)],
        "hello + one ECharts chart": [(0, 0, 1, 0)],
    }
    # In one warm browser: a hello load before each floor and app load, both finished, and the app page sent its
    # data again. With the cache off, as the issue measured, every load fetches Streamlit's scripts; with it kept, none.
    for kept, cached in ((measured.warm_loads, False), (measured.cached_loads, True)):
        assert len(kept["hello"]) == len(browser.FLOORS) + 1
        warm_hello = kept["hello"][-1]
        (warm_page,) = kept["Overview"]
        assert warm_hello.ms > 0 and warm_page.ms > 0 and warm_page.received > warm_hello.received
        assert [load.scripts_fetched == 0 for load in (warm_hello, warm_page)] == [cached, cached]
    assert measured.server_peak_rss >= measured.server_rss_after > 0


def test_browser_ratios_are_each_pages_medians_over_the_hello_pages():
    def loads(*pairs):
        return [{"ms": ms, "headline_ms": headline} for headline, ms in pairs]

    measured = {
        "hello": loads((None, 900), (None, 1000), (None, 1100)),
        "hello + one Plotly chart": loads((None, 1800)),
        "Overview": loads((1200, 1500), (1500, 2000), (1300, 5000)),
        # A page without KPIs counts its headline when its run ends.
        "Data": loads((None, 1400)),
    }

    ratios = run.browser_ratios(measured)
    assert ratios == {"hello + one Plotly chart": (1.8, 1.8), "Overview": (1.3, 2.0), "Data": (1.4, 1.4)}
    # The floors are reported beside the pages but never judged as one.
    assert run.pages_only(ratios) == {"Overview": (1.3, 2.0), "Data": (1.4, 1.4)}
    assert run.browser_ratios({"Overview": loads((1, 2))}) == {}


def test_profile_reports_where_a_page_spends_its_time(fixture_db, tmp_path):
    from benchmarks import profile

    (report,) = profile.profile(profile.find_page("overview"), fixture_db, ["cached"], tmp_path)

    text = report.read_text()
    assert text.startswith("Overview, cached run:")
    assert "dashboard/pages/overview.py" in text
