"""The programme dashboard for programme managers: charts, and each chart as CSV."""

from __future__ import annotations

import csv

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from community.permissions import PROGRAMME_DASHBOARD_PERMISSION
from community.selectors.dashboard import (
    CHARTS_CACHE_SECONDS,
    programme_chart,
    programme_charts_recent,
)
from safety.access import staff_permission_required


# Programme managers only, with a second factor in this session, like every staff
# page (safety.access); anyone else gets a 404.
@staff_permission_required(PROGRAMME_DASHBOARD_PERMISSION)
@require_GET
def programme_dashboard(request: HttpRequest):
    charts, read_at = programme_charts_recent()
    return render(
        request,
        "community/programme_dashboard.html",
        {
            "charts": charts,
            "charts_data": [chart.as_json() for chart in charts],
            "read_at": read_at,
            "refresh_seconds": CHARTS_CACHE_SECONDS,
        },
    )


@staff_permission_required(PROGRAMME_DASHBOARD_PERMISSION)
@require_GET
def programme_chart_csv(request: HttpRequest, chart: str):
    found = programme_chart(slug=chart)
    if found is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="programme-{found.slug}.csv"'
    writer = csv.writer(response)
    for row in found.csv_rows():
        writer.writerow(["" if value is None else value for value in row])
    return response
