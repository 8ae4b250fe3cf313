"""The care-home pages, one module per page family: `homes`, `assignments`, `fill_gaps`,
`imports` and `staff` (the visit pages are in `carehomes.visits`)."""
