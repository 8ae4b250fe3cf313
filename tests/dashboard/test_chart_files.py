"""Charts are files at content-hashed addresses that browsers keep, not images inlined in the page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actionplan.gap_report_services import gap_report_backfill
from actionplan.models import ChartImage
from tests.factories import AssignmentFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

CHART = re.compile(r'(?:src|srcset)="(/charts/[0-9a-f]{40}\.png)"')  # a chart and its phone drawing


def chart_urls(client):
    html = client.get("/dashboard/").content.decode()
    assert "data:image" not in html
    return CHART.findall(html)


def test_dashboard_links_charts_served_as_immutable_png(client_for, slt_user):
    client = client_for(slt_user)
    urls = chart_urls(client)
    assert urls

    response = client.get(urls[0])

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"


def test_chart_address_changes_when_its_numbers_change_and_not_otherwise(client_for, slt_user):
    client = client_for(slt_user)
    first = chart_urls(client)
    assert chart_urls(client) == first  # same numbers, same address, nothing redrawn
    drawn = ChartImage.objects.count()

    AssignmentFactory(staff=StaffMemberFactory(hours_per_week=30), hours_per_week=12)

    second = chart_urls(client)
    assert second != first
    assert ChartImage.objects.count() > drawn


def test_chart_is_refused_to_a_pharmacist_and_unknown_chart_is_404(client_for, slt_user, pharmacist_user):
    url = chart_urls(client_for(slt_user))[0]
    assert client_for(pharmacist_user).get(url).status_code == 403
    assert client_for(slt_user).get("/charts/" + "f" * 40 + ".png").status_code == 404


def test_a_pages_seen_charts_cost_one_query_together(client_for, slt_user):
    client = client_for(slt_user)
    gap_report_backfill(weeks=2)  # a trend too: four drawings on the page
    assert len(chart_urls(client)) == 4
    with CaptureQueriesContext(connection) as queries:
        client.get("/dashboard/")
    assert sum("actionplan_chartimage" in q["sql"] for q in queries.captured_queries) == 1


def test_a_phone_gets_a_narrower_chart_drawing_from_the_picture_element(client_for, slt_user):
    client = client_for(slt_user)
    html = client.get("/dashboard/").content.decode()
    phone = re.findall(r'<source media="\(max-width: 640px\)" srcset="(/charts/[0-9a-f]{40}\.png)">', html)
    assert phone

    def width(url):
        png = client.get(url).content
        return int.from_bytes(png[16:20], "big")  # the PNG header's width

    desktop = re.findall(r'<img class="hub-chart" src="(/charts/[0-9a-f]{40}\.png)"', html)
    assert all(width(url) <= 360 for url in phone)  # shown at its own size in a 390 px screen
    assert all(width(url) >= 700 for url in desktop)
