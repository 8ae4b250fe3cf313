"""The workstream pages, one module per page family: `workstreams`, `help_requests` and
`organisations` (the organisation pages live here because they show workstreams and requests)."""
