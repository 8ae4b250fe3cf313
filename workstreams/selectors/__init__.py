"""Reads for workstreams, requests for help, offers and the organisation pages, one module per page
family as in `workstreams.views`: `workstreams`, `help_requests`, `organisations` (`common` holds
what they share). Callers import the names from here: `from workstreams import selectors`.

Each list costs a fixed number of queries whatever the data size: counts are subqueries, and
related rows are fetched once with select_related / prefetch_related.
"""

from workstreams.selectors.help_requests import (
    STATUS_FILTERS,
    homes_for_organisation,
    homes_for_organisation_lookup,
    homes_for_request,
    staff_to_offer,
    support_offers,
    support_request_detail,
    support_request_history,
    support_request_list,
)
from workstreams.selectors.organisations import (
    FairShare,
    OrganisationPage,
    organisation_history,
    organisation_lead_needs,
    organisation_list,
    organisation_page,
    organisation_staff_member,
    pcn_fair_share,
    pcns_without_committed_hours,
)
from workstreams.selectors.workstreams import (
    lead_candidates,
    workstream_detail,
    workstream_history,
    workstream_list,
)

__all__ = [
    "STATUS_FILTERS",
    "FairShare",
    "OrganisationPage",
    "homes_for_organisation",
    "homes_for_organisation_lookup",
    "homes_for_request",
    "lead_candidates",
    "organisation_history",
    "organisation_lead_needs",
    "organisation_list",
    "organisation_page",
    "organisation_staff_member",
    "pcn_fair_share",
    "pcns_without_committed_hours",
    "staff_to_offer",
    "support_offers",
    "support_request_detail",
    "support_request_history",
    "support_request_list",
    "workstream_detail",
    "workstream_history",
    "workstream_list",
]
