"""What the workstreams app's reads share: a count as a subquery, and the hours field."""

from django.db.models import Count, DecimalField, IntegerField, Subquery, Value
from django.db.models.functions import Coalesce

HOURS = DecimalField(max_digits=8, decimal_places=1)


def subquery_count(queryset, group_field):
    return Coalesce(
        Subquery(
            queryset.order_by().values(group_field).annotate(n=Count("pk", distinct=True)).values("n")[:1]
        ),
        Value(0),
        output_field=IntegerField(),
    )
