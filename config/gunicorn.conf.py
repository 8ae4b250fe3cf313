"""gunicorn's settings for the hub's web processes: the image (Dockerfile), docker-compose.yml and
the server `make loadtest` is run against (README "Load test").

    gunicorn -c config/gunicorn.conf.py --bind 127.0.0.1:8000 config.wsgi:application

Pages cost the web process CPU (templates) more than they wait on PostgreSQL, so a few
single-threaded processes per core serve best: WEB_CONCURRENCY of them (default 3 here, sized for
a 2-core machine that also runs PostgreSQL). Threads would only queue on Python's lock.

The application is loaded once, in the master, with every template compiled (config/wsgi.py), and
each worker is forked from it: a worker replaced after `max_requests` (a guard against slow leaks)
starts serving at once instead of spending 1.5 s of CPU compiling templates on its first requests.
"""

import os

from config.garbage_collection import settle_loaded_application

workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "sync"
preload_app = True
timeout = 120
max_requests = 1000
max_requests_jitter = 100
accesslog = "-"
errorlog = "-"
# No `gunicornc` control socket: the hub does not use it, and its default path is one per machine.
control_socket_disable = True


def when_ready(server):
    """In the master, after the application is loaded and before any worker is forked: the garbage
    collector settled (config/garbage_collection.py); the frozen objects are shared with the workers."""
    settle_loaded_application()
