"""The bench's printed table and its verdict against the issue's targets."""

from nonprod.bench.api import print_api_results
from nonprod.bench.pages import TARGETS_MS


def targets(results):
    """Each target with the figure measured (uncached, writer on) and whether it is met."""
    return _page_targets(results) | _api_targets(results.get("api") or {})


def _api_targets(api):
    """The read API's two targets, when the run measured it (not with --no-api)."""
    page, csv = api.get("care-homes page of 1,000"), api.get("visits CSV")
    found = {}
    if page:
        found["API: 1,000 care homes"] = {
            "target_p95_ms": page["target_p95_ms"],
            "p95_ms": page["p95_ms"],
            "met": page["meets_target"],
        }
    if csv:
        found["API: visits CSV, rows/s"] = {
            "target_rows_per_s_min": csv["target_rows_per_s"],
            "rows_per_s": csv["rows_per_s"],
            "met": csv["meets_target"],
        }
    return found


def _page_targets(results):
    return {
        name: {
            "target_p95_ms": target,
            "p95_ms": results["pages"]["uncached"].get(name, {}).get("p95_ms"),
            "met": (results["pages"]["uncached"].get(name, {}).get("p95_ms") or 1e9) <= target,
        }
        for name, target in TARGETS_MS.items()
    } | {
        "weekly gap report": {
            "target_s": 2,
            "s": results["gap_report_s"],
            "met": results["gap_report_s"] is not None and results["gap_report_s"] <= 2,
        }
    }


def print_results(results, write):
    s = results["scale"]
    write(
        f"\nScale: {s['care_homes']} care homes, {s['pcns']} PCNs, {s['practices']} practices, "
        f"{s['staff']} staff, {s['visits']} visits\n"
    )
    c = results["conditions"]
    write(
        f"{c['cpu_count']} CPUs, load average {c['load_average_at_start']} at start, "
        f"{c['load_average_at_end']} at end; {c['requests_per_page']} timed requests a page"
    )
    for mode, pages in results["pages"].items():
        write(f"\nfigure caching {'on' if mode == 'cached' else 'off'} ({mode}), writer on")
        write(f"{'page':<26}{'p50 ms':>10}{'p95 ms':>10}{'CPU ms':>8}{'queries':>9}{'KB':>8}")
        for name, row in pages.items():
            write(
                f"{name:<26}{row['p50_ms']:>10}{row['p95_ms']:>10}{row.get('cpu_p50_ms', '')!s:>8}"
                f"{row['queries']:>9}{row['bytes'] / 1024:>8.1f}"
            )
    w = results["writer"]
    write(
        f"\nwriter: {w['visits']} visits in {w['seconds']} s = {w['rate_per_s']}/s "
        f"(target {w['target_per_s']}/s), {w['errors']} errors"
    )
    st = results["stale_reads"]
    write(f"stale reads: {st['total']} in {st['checks']} checks {st['stale']}")
    write(f"weekly gap report: {results['gap_report_s']} s")
    write(f"sign-in (one Argon2id check): {results['sign_in_cpu_ms']} ms CPU")
    if "api" in results:
        print_api_results(results["api"], write)
    write(
        f"raw SQL headline figures: {results['raw_sql_ms']} ms; dashboard p50 / raw SQL = "
        f"{results['dashboard_cached_vs_raw_sql']} cached, {results['dashboard_uncached_vs_raw_sql']} uncached"
    )
    write("\ntargets (p95, caching off, writer on):")
    for name, row in results["targets"].items():
        got = row.get("p95_ms", row.get("s", row.get("rows_per_s")))
        want = row.get("target_p95_ms", row.get("target_s", row.get("target_rows_per_s_min")))
        verdict = "not measured" if got is None else "met" if row["met"] else "NOT met"
        write(f"  {name:<26}{got!s:>10} / {want!s:<6} {verdict}")
