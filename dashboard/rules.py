import rules

from organisations.access import is_leadership
from organisations.permissions import Permission

rules.add_perm(Permission.VIEW_DASHBOARD, is_leadership)
rules.add_perm(Permission.VIEW_GAPS, is_leadership)
