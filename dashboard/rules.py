import rules

from organisations.access import is_leadership

rules.add_perm("dashboard.view_dashboard", is_leadership)
rules.add_perm("dashboard.view_gaps", is_leadership)
