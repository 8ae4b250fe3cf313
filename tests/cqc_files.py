"""The CQC care directory's published header row (../shared/data/CQC-FORMATS.md, format 1),
shared by the import tests and the hostile-upload tests."""

DIRECTORY_HEADER = [
    "Name",
    "Also known as",
    "Address",
    "Postcode",
    "Phone number",
    "Service's website (if available)",
    "Service types",
    "Date of latest check",
    "Specialisms/services",
    "Provider name",
    "Local authority",
    "Region",
    "Location URL",
    "CQC Location ID (for office use only)",
    "CQC Provider ID (for office use only)",
]
