"""The programme dashboard for programme managers: charts, and each chart as CSV."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from community.permissions import can_view_programme_dashboard
from community.selectors.dashboard import programme_chart, programme_charts


def _manager_or_404(request: HttpRequest) -> None:
    # A 404, not a 403: the page's existence is none of a member's business.
    if not can_view_programme_dashboard(request.user):
        raise Http404


@login_required
@require_GET
def programme_dashboard(request: HttpRequest):
    _manager_or_404(request)
    charts = programme_charts()
    return render(
        request,
        "community/programme_dashboard.html",
        {"charts": charts, "charts_data": [chart.as_json() for chart in charts]},
    )


@login_required
@require_GET
def programme_chart_csv(request: HttpRequest, chart: str):
    _manager_or_404(request)
    found = programme_chart(slug=chart)
    if found is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="programme-{found.slug}.csv"'
    writer = csv.writer(response)
    for row in found.csv_rows():
        writer.writerow(["" if value is None else value for value in row])
    return response
