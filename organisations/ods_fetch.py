"""Fetching the month's ODS reports from the export service (settings ODS_EXPORT_URL, ODS_REPORTS).

Each report is asked for by name (`?report=<name>`); where the report offers it, only the
changes since the last successful monthly run (`&lastChangeStart=YYYY-MM-DD`), otherwise whole
(the practice–PCN membership report has no changes-only form). Everything is fetched before
anything is imported, so a network failure part-way leaves nothing half done.
"""

import datetime

import requests
from django.conf import settings

# Reports with no changes-only form: always fetched whole.
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
