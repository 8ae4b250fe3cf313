"""Rules for API tokens (auto-discovered by django-rules)."""

import rules

from organisations.access import is_member_of_hub, is_superuser
from organisations.permissions import Permission


@rules.predicate
def owns_token(user, token):
    return token is not None and (token.user_id == user.pk or token.created_by_id == user.pk)


rules.add_perm(Permission.ADD_APITOKEN, is_member_of_hub)
rules.add_perm(Permission.VIEW_APITOKEN, is_member_of_hub & owns_token | is_superuser)
rules.add_perm(Permission.CHANGE_APITOKEN, is_member_of_hub & owns_token | is_superuser)
rules.add_perm(Permission.LIST_APITOKENS, is_member_of_hub)
rules.add_perm(Permission.ADD_SERVICE_TOKEN, is_superuser)
