"""Rendering pages, and named blocks of them for htmx requests (jinja2-fragments)."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template import engines
from jinja2_fragments import render_block


def render_page(request, template_name, context=None, *, block=None, status=200):
    """Render the whole page, or only `block` of it when htmx asks for a fragment.

    htmx requests that target a named block get just that block, so the same template serves
    the full page (and its no-JavaScript fallback) and the partial update.
    """
    context = dict(context or {})
    if block and getattr(request, "htmx", False) and not request.htmx.boosted:
        env = engines["jinja2"].env
        context.setdefault("request", request)
        from django.middleware.csrf import get_token
        from markupsafe import Markup

        token = get_token(request)
        context.setdefault("csrf_token", token)
        context.setdefault(
            "csrf_input",
            Markup('<input type="hidden" name="csrfmiddlewaretoken" value="{}">').format(token),
        )
        html = render_block(env, template_name, block, context)
        return HttpResponse(html, status=status)
    return render(request, template_name, context, status=status)


def render_confirm(
    request, *, question, happens, button, keep_text, back, rows=(), warning=None, hidden=None
):
    """The confirmation page of an action that cannot be taken back in one click ("Withdraw this
    request?"): what will happen, then a warning button that posts to the same address."""
    return render(
        request,
        "confirm.jinja",
        {
            "page_title": question,
            "question": question,
            "rows": [{"key": {"text": key}, "value": {"text": value}} for key, value in rows],
            "happens": happens,
            "warning": warning,
            "button": button,
            "keep_text": keep_text,
            "back": back,
            "hidden": hidden or {},
        },
    )


def redirect_with_notice(request, notice, to, *args, **kwargs):
    """After a write: `notice` as the success banner of the next page, and a redirect there
    (`to` as `django.shortcuts.redirect` takes it). The `done` of most `answer_write` calls."""
    messages.success(request, notice)
    return redirect(to, *args, **kwargs)


def found_or_404(read, /, *args, **kwargs):
    """What the selector `read` finds, or a 404 page when there is no such record.

    Views ask for one record through a selector, never the ORM (docs/architecture.md); a record
    that does not exist (or that the selector's own scope hides) is "not found" to the user."""
    try:
        return read(*args, **kwargs)
    except ObjectDoesNotExist:
        raise Http404 from None
