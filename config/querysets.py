"""What every list's selectors share: narrowing a queryset by the filters a person chose."""


def filter_given(queryset, **lookups):
    """`queryset` narrowed by each lookup given a value: a filter left empty (None, "", False)
    means "any", so `filter_given(homes, locality="", pcn_id=7)` is `homes.filter(pcn_id=7)`."""
    given = {lookup: value for lookup, value in lookups.items() if value}
    return queryset.filter(**given) if given else queryset
