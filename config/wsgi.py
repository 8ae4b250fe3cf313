import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()


def warm_up():
    """Do now, once per process, what a web process would otherwise do on its first requests
    (about 3 s of CPU and 120 MB): import every view and the libraries behind them (charts,
    suggestions), and compile every Jinja template. Under gunicorn this runs in the master
    (config/gunicorn.conf.py preloads the application), so each forked worker starts warm."""
    from django.db import connections
    from django.urls import get_resolver

    from config.jinja2 import compile_every_template

    get_resolver().url_patterns  # noqa: B018 - importing the URLconf imports every view
    compile_every_template()
    # Forked workers must not share a connection the master might have opened.
    connections.close_all()


warm_up()
