"""What the workstream, help-request and organisation pages share."""

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render

from organisations.access import may
from organisations.permissions import Permission
from workstreams.presenters import CONTEXT


def render_with_labels(request, template, context, status=200):
    """Render with the shared status labels and tag colours (workstreams.presenters.CONTEXT)."""
    return render(request, template, {**CONTEXT, **context}, status=status)


def history_for(user, history, obj):
    """The object's change history for those who keep the picture (PM, SLT); None for others."""
    return history(obj) if may(user, Permission.VIEW_HISTORY, obj) else None


def page_of(request, queryset):
    return Paginator(queryset, settings.HUB["PAGE_SIZE"]).get_page(request.GET.get("page"))
