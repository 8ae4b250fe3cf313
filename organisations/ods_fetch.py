"""Fetching the month's ODS reports from the export service (settings ODS_EXPORT_URL, ODS_REPORTS).

Each report is asked for by name (`?report=<name>`); where the report offers it, only the
changes since the last successful monthly run (`&lastChangeStart=YYYY-MM-DD`), otherwise whole
(the practice–PCN membership report has no changes-only form). Everything is fetched before
anything is imported, so a network failure part-way leaves nothing half done.
"""

import datetime

import requests
from django.conf import settings

# The export service's permitted report names, from NHS England's DSE API guide ("Automate/Schedule
# the Download of Report Packages"), as quoted in kanedata/find-that-charity at 77239228e35f
# (ftc/management/commands/import_nhsods.py). None is named for ICBs; pharmacies are `edispensary`.
PUBLISHED_REPORTS = frozenset(
    [
        "eabeydispgp",
        "eauth",
        "ebranchs",
        "ecarehomehq",
        "ecarehomesite",
        "eccg",
        "eccgsite",
        "econcur",
        "ecsu",
        "ecsusite",
        "ect",
        "ectsite",
        "edconcur",
        "edispensary",
        "educate",
        "egdpprac",
        "egmcmem",
        "egpcur",
        "ehospice",
        "eiom",
        "ejustice",
        "enonnhs",
        "ensa",
        "enurse",
        "eopthq",
        "eoptsite",
        "eother",
        "epcdp",
        "epcmem",
        "epcn",
        "epcncorepartnerdetails",
        "epharmacyhq",
        "ephp",
        "ephpsite",
        "eplab",
        "epraccur",
        "epracmem",
        "eschools",
        "espha",
        "etr",
        "etreat",
        "etrust",
        "ets",
        "lauth",
        "lauthsite",
        "ngpcur",
        "niorg",
        "nlhscgpr",
        "npraccur",
        "succ",
        "wlhb",
        "wlhbsite",
    ]
)
# Reports with no changes-only form (same guide): always fetched whole. Of the hub's, only the
# practice-PCN membership report.
WHOLE_ONLY = frozenset({"epcncorepartnerdetails"})


class OdsFetchError(Exception):
    """The export service could not be reached or answered with a server error: try again later."""


class OdsFetchRefused(Exception):
    """The export service refused the request (4xx): retrying will not help; check the settings."""


def report_params(name: str, since: datetime.date | None) -> dict:
    params = {"report": name}
    if since is not None and name not in WHOLE_ONLY:
        params["lastChangeStart"] = since.isoformat()
    return params


def fetch_reports(since: datetime.date | None = None, *, session=None) -> list[tuple[str, bytes]]:
    """[(file name, bytes)] for every configured report; raises OdsFetchError / OdsFetchRefused."""
    session = session or requests.Session()
    files = []
    for name in settings.ODS_REPORTS:
        try:
            response = session.get(
                settings.ODS_EXPORT_URL, params=report_params(name, since), timeout=settings.ODS_FETCH_TIMEOUT
            )
        except requests.RequestException as error:
            raise OdsFetchError(
                f"The ODS export service could not be reached for {name}: {error}."
            ) from error
        if response.status_code >= 500:
            raise OdsFetchError(f"The ODS export service answered {response.status_code} for {name}.")
        if response.status_code >= 400:
            raise OdsFetchRefused(
                f"The ODS export service refused the report {name} ({response.status_code}). "
                "Check ODS_EXPORT_URL and ODS_REPORTS."
            )
        content = response.content
        files.append((f"{name}.zip" if content[:4] == b"PK\x03\x04" else f"{name}.csv", content))
    return files


def check_ods_reports(app_configs=None, **kwargs):
    """`manage.py check`: warn of an ODS_REPORTS name the export service does not publish (it would
    refuse it, and with it the whole monthly import)."""
    from django.core.checks import Warning as CheckWarning

    unknown = [name for name in settings.ODS_REPORTS if name not in PUBLISHED_REPORTS]
    if not unknown:
        return []
    return [
        CheckWarning(
            f"ODS_REPORTS names {', '.join(unknown)}, which the ODS export service does not publish; it "
            "would refuse the request and the monthly import would fail.",
            hint="Use the service's report names, e.g. edispensary for community pharmacies "
            "(tests/organisations/ods_files/README.md lists them, with the source).",
            id="organisations.W001",
        )
    ]
