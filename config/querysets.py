"""What every list's selectors share: narrowing a queryset by the filters a person chose, or to a
page's ids."""

from django.db import connection
from django.db.models import F, Lookup, Q
from django.db.models.functions import Collate


def by_code_point(field):
    """`field` ordered as Python orders text (by code point), whatever the database's collation:
    PostgreSQL's "C" collation compares UTF-8 bytes, which is code point order; SQLite (the embedded
    default) has no "C" collation and already compares text by code point."""
    return Collate(F(field), "C") if connection.vendor == "postgresql" else F(field)


def filter_given(queryset, **lookups):
    """`queryset` narrowed by each lookup given a value: a filter left empty (None, "", False)
    means "any", so `filter_given(homes, locality="", pcn_id=7)` is `homes.filter(pcn_id=7)`."""
    given = {lookup: value for lookup, value in lookups.items() if value}
    return queryset.filter(**given) if given else queryset


class _AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, [int(i) for i in self.rhs])


def ids_in(field, ids):
    """A filter: `field` is one of `ids`. On PostgreSQL `= ANY(%s)`, one array parameter: binding a
    page's thousand ids as a thousand placeholders costs more than running the query. SQLite: IN."""
    if connection.vendor == "postgresql":
        return _AnyOf(F(field), list(ids))
    return Q(**{f"{field}__in": list(ids)})
