"""NHS.UK component macros rendered once per set of parameters (issue 18: pages cheap to render).

    {{ remembered(nhsukDateInput, {"id": ..., "items": [...]}) }}

The `nhsuk-frontend-jinja` component macros are pure: what they write depends only on the
parameters they are given (and the environment's globals, which do not change while the process
runs), never on the request. Rendering one is slow, though: a date input runs four templates and
some sixty small attribute macros, and a care home's page used to spend half of its CPU in four
of them. Most calls repeat exactly (the same field, empty or holding today's date; the same
header for the same person on the same page), so the HTML of each distinct call is kept in a
bounded least-recently-used table per process and reused. The markup is the macro's own,
byte for byte (tests/config/test_component_cache.py compares them for several states,
errors included).

Parameters the cache cannot key exactly (an object other than text, lazy text, numbers, booleans,
None, undefined, lists and dicts of them) are passed straight to the macro, uncached.
"""

import threading
from collections import OrderedDict

from django.utils.functional import Promise
from jinja2.runtime import Undefined
from markupsafe import Markup

# Distinct calls kept per process. A page has a few dozen; the demo city a few thousand at most
# (a date input per distinct date and error). Each entry is a few KB of HTML.
MAX_ENTRIES = 4096

# The signed-out form's CSRF token differs on every response: the header is kept with this in its
# place, and the page puts the token back (base.jinja).
CSRF_SLOT = Markup("<!--hub:csrf-input-->")

_entries = OrderedDict()
_lock = threading.Lock()


class _Unkeyable(Exception):
    pass


def _key(value):
    """A hashable value equal for two parameters exactly when the macro renders them alike.

    Types are kept apart where the macros tell them apart: Markup from text (`is escaped`),
    True from 1, a list from a dict's items."""
    kind = type(value)
    if kind is str or kind is int or value is None:
        return value
    if kind is float:
        # 1.0 == 1 and they hash alike, but a macro writes "1.0" for one and "1" for the other.
        return ("float", value)
    if kind is bool:
        return ("bool", value)
    if kind is Markup:
        return ("markup", str(value))
    if kind is dict:
        return ("dict", tuple((name, _key(item)) for name, item in value.items()))
    if kind is list or kind is tuple:
        return ("list", tuple(_key(item) for item in value))
    if isinstance(value, Undefined):
        return ("undefined",)
    if isinstance(value, Promise):
        # A lazy text (reverse_lazy: a look-up box's URL) reads as its text whenever it is used; kept
        # apart from plain text, so the HTML kept for it is always what a lazy text of it renders.
        return ("lazy", str(value))
    raise _Unkeyable(kind)


def remembered(macro, params):
    """The HTML of `macro(params)`, rendered once per distinct `params` in this process."""
    try:
        key = (macro.name, macro._func.__code__.co_filename, _key(params))
    except _Unkeyable:
        return macro(params)
    with _lock:
        html = _entries.get(key)
        if html is not None:
            _entries.move_to_end(key)
            return html
    html = macro(params)
    with _lock:
        _entries[key] = html
        if len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return html


def forget_all():
    """Empty the table (tests; a template change in development reloads the process anyway)."""
    with _lock:
        _entries.clear()
