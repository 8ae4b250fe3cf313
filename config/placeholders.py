"""Pages that later work fills in: protected and styled, saying plainly what they will hold."""

from django.shortcuts import render


def placeholder(request, title, summary, will_hold):
    return render(
        request,
        "placeholder.jinja",
        {"page_title": title, "summary": summary, "will_hold": will_hold},
    )
