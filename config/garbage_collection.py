"""How a web process's garbage collector is set once the application is loaded: in gunicorn's
master before it forks the workers (config/gunicorn.conf.py), and in `manage.py bench`, which
times pages in its own process and must see what a deployed worker does."""

import gc


def settle_loaded_application():
    """Move every object loaded so far (modules, compiled templates) out of the garbage collector's
    sight, and collect the young generation less often. A request makes many short-lived objects;
    scanning the loaded application again on each collection cost about a tenth of a page's CPU
    (the load test's web CPU per request, README "Load test"), and a full collection over it about
    110 ms, which landed in one request in twenty of the read API's 1,000-home pages. The frozen
    objects are never collected (they live as long as the process anyway)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)
