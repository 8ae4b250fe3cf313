"""The national-scale benchmark behind `make bench` (`manage.py bench`).

Builds the scale data set if it is absent, then measures server-side response time (in-process
through Django's test client: the whole middleware, view, template and database stack, without
network noise), query count and HTML size of each page, over many requests after a warm-up,
twice: with figure caching on and with it off (`HUB["CACHE_FIGURES"]`), while a background
writer logs 5 visits a second through the visit service for the whole run. It counts stale
reads (a gap list or dashboard loaded after a visit was saved that does not reflect it), times
the weekly gap report for the whole country and compares the dashboard with one hand-written
SQL query computing the same headline figures. Prints a table and writes bench-results.json.

Each app's pages are named here: `discharge` (the discharge pages, `pages(*, home, locality) ->
{name: (role, path)}` with role one of "slt", "pm", "pharmacist", and `reads(*, home, locality) ->
{name: callable}` for a section of a page).

Modules: `writer` (the background writer), `pages` (timing the pages, stale reads), `discharge`
(the discharge pages), `reference`
(the raw-SQL reference, the weekly report, a sign-in), `api` (the read API), `demo` (server time
per page at demo size), `report` (the printed table and the targets).
"""
