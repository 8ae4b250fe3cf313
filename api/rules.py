"""Rules for API tokens (auto-discovered by django-rules)."""

import rules

from organisations.access import is_member_of_hub, is_superuser


@rules.predicate
def owns_token(user, token):
    return token is not None and (token.user_id == user.pk or token.created_by_id == user.pk)


rules.add_perm("api.add_apitoken", is_member_of_hub)
rules.add_perm("api.view_apitoken", is_member_of_hub & owns_token | is_superuser)
rules.add_perm("api.change_apitoken", is_member_of_hub & owns_token | is_superuser)
rules.add_perm("api.list_apitokens", is_member_of_hub)
rules.add_perm("api.add_service_token", is_superuser)
