"""One page of a list, and the parameters of the NHS.UK pagination component for it."""

from django.conf import settings
from django.core.paginator import Paginator


def paginate(request, queryset, *, per_page=None, rows=None):
    """The `?page=` page of `queryset` (the last page for a number past the end, the first for junk)
    and the pagination component's parameters, keeping the request's other query parameters.

    With `rows`, `queryset` need only filter and order: the page is read as its ids, and
    `rows(ids)` reads those rows, in that order, with whatever is costly to compute for each
    (hours, counts), so that rows skipped to reach a deep page cost an index entry each."""
    paginator = Paginator(queryset, per_page or settings.HUB["PAGE_SIZE"])
    page = paginator.get_page(request.GET.get("page"))
    if rows is not None:
        page.object_list = rows(list(page.object_list.values_list("pk", flat=True)))
    params = request.GET.copy()

    def href(number):
        params["page"] = number
        return f"?{params.urlencode()}"

    items = []
    for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if number == Paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append({"number": number, "href": href(number), "current": number == page.number})
    pagination = {
        "previous": {"href": href(page.previous_page_number())} if page.has_previous() else None,
        "next": {"href": href(page.next_page_number())} if page.has_next() else None,
        "items": items if paginator.num_pages > 1 else [],
    }
    return page, pagination
