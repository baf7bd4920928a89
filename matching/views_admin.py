"""Staff pages to run the matching programme.

The Django admin edits rows (settings, exclusions, runs); these pages are
for running the programme: a settings summary, scoring runs with live
progress (htmx polls a small fragment while a run is active), starting a
full run, a whole-cohort preview to publish or discard, a manual match and
"do not match". Each page needs its permission (held by the "Programme
manager" group) and a second factor in this session (``safety.access``);
anyone else gets a 404, as for any object they may not see.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from matching import services, tasks
from matching.forms import CohortPreviewForm, ManualMatchForm, PairExcludeForm
from matching.models import MatchingConfig, MatchRun, Mentorship, PairExclusion, Suggestion
from matching.selectors import cohort_pairs, match_run_active, match_runs_for_admin
from mentorship.views_helpers import refusals_shown
from profiles.models import User
from safety.access import staff_permission_required
from safety.models import AuditLog
from safety.services import audit_record

# Every staff page checks its own permission and a second factor in this
# session (safety.access); the "Programme manager" group holds these.
PERM_SETTINGS = "matching.view_matchingconfig"
PERM_RUNS_VIEW = "matching.view_matchrun"
PERM_RUNS_START = "matching.add_matchrun"
PERM_COHORT_DECIDE = "matching.change_matchrun"
PERM_MANUAL_MATCH = "matching.add_mentorship"
PERM_DO_NOT_MATCH = "matching.add_pairexclusion"


@staff_permission_required(PERM_SETTINGS)
def overview(request: HttpRequest):
    config = MatchingConfig.load()
    weights = [
        {
            "name": name,
            "configured": value,
            "learned": (config.learned_weights or {}).get(name),
        }
        for name, value in config.configured_weights.items()
    ]
    return render(
        request,
        "matching/staff/overview.html",
        {
            "config": config,
            "weights": weights,
            "runs": MatchRun.objects.all()[:5],
            "active_mentorships": Mentorship.objects.filter(
                status=Mentorship.Status.ACTIVE
            ).count(),
            "current_suggestions": Suggestion.objects.filter(is_current=True).count(),
            "exclusions": PairExclusion.objects.count(),
        },
    )


@staff_permission_required(PERM_RUNS_VIEW)
def run_list(request: HttpRequest):
    page = Paginator(match_runs_for_admin(), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "matching/staff/run_list.html",
        {
            "page_obj": page,
            "runs": page.object_list,
            "full_run_active": match_run_active() is not None,
        },
    )


@staff_permission_required(PERM_RUNS_VIEW)
def run_progress(request: HttpRequest, pk: int):
    """The progress fragment of one run; htmx re-fetches it every two seconds while active."""
    run = get_object_or_404(MatchRun, pk=pk)
    return render(request, "matching/staff/_run_row.html", {"run": run})


@staff_permission_required(PERM_RUNS_START)
@require_POST
def run_start(request: HttpRequest):
    with refusals_shown(request) as outcome:
        run = services.match_run_start(triggered_by=request.user)
        tasks.run_full_scoring.delay_on_commit(run.pk)
    if outcome.ok:
        audit_record(action=AuditLog.Action.RUN_STARTED, target=run, request=request)
        messages.success(request, f"Full run #{run.pk} queued. Progress updates below.")
    return redirect("matching:staff_runs")


def _cohort_summary(run: MatchRun) -> dict:
    """Pairs, scores, unmatched mentees and mentor load of a cohort preview.

    The load and the unmatched mentees come from the run's figures (the
    engine's view at preview time: free places, the mentees it considered).
    """
    pairs = list(cohort_pairs(run=run))
    figures = run.figures or {}
    people = {
        user.pk: user
        for user in User.objects.filter(
            pk__in=[int(pk) for pk in figures.get("mentor_load", {})]
            + list(figures.get("unmatched_mentee_ids", [])[:200])
        ).select_related("profile")
    }
    mentor_load = sorted(
        (
            {"mentor": people.get(int(pk), pk), "assigned": load, "capacity": free}
            for pk, (load, free) in figures.get("mentor_load", {}).items()
            if load
        ),
        key=lambda row: (-row["assigned"], str(row["mentor"])),
    )
    unmatched_ids = figures.get("unmatched_mentee_ids", [])
    return {
        "pairs": pairs,
        "mentor_load": mentor_load,
        "idle_mentors": sum(
            1 for load, free in figures.get("mentor_load", {}).values() if not load and free
        ),
        "unmatched": [people[pk] for pk in unmatched_ids[:200] if pk in people],
        "unmatched_count": len(unmatched_ids),
        "mean_score": figures.get("mean_score"),
    }


@staff_permission_required(PERM_RUNS_START)
@require_http_methods(["GET", "POST"])
def cohort_preview(request: HttpRequest):
    form = CohortPreviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Computing an assignment takes seconds on a large cohort: a worker does
        # it and the preview page shows its progress.
        with refusals_shown(request, form=form) as outcome:
            run = services.match_cohort_create(
                mode=form.cleaned_data["mode"], triggered_by=request.user
            )
            tasks.cohort_preview.delay_on_commit(run.pk)
        if outcome.ok:
            audit_record(action=AuditLog.Action.COHORT_PREVIEWED, target=run, request=request)
            # No flash message: the page itself says the preview is being computed,
            # and a "queued" note would outlive the polling that replaces it.
            return redirect("matching:staff_cohort_detail", pk=run.pk)
    previews = MatchRun.objects.filter(kind=MatchRun.Kind.COHORT)[:10]
    return render(request, "matching/staff/cohort.html", {"form": form, "previews": previews})


@staff_permission_required(PERM_RUNS_VIEW)
def cohort_detail(request: HttpRequest, pk: int):
    run = get_object_or_404(MatchRun, pk=pk, kind=MatchRun.Kind.COHORT)
    return render(
        request, "matching/staff/cohort_detail.html", {"run": run, **_cohort_summary(run)}
    )


@staff_permission_required(PERM_COHORT_DECIDE)
@require_POST
def cohort_publish(request: HttpRequest, pk: int):
    run = get_object_or_404(MatchRun, pk=pk, kind=MatchRun.Kind.COHORT)
    if request.POST.get("confirm") != "publish":
        # Publishing tells hundreds of people: only from the confirmation step.
        messages.error(request, "Confirm the publish below: it notifies every matched mentee.")
        return redirect(reverse("matching:staff_cohort_detail", args=[pk]) + "#confirm-publish")
    with refusals_shown(request) as outcome:
        services.match_cohort_publish(run=run)
    if outcome.ok:
        audit_record(action=AuditLog.Action.COHORT_PUBLISHED, target=run, request=request)
        messages.success(
            request,
            "Published: each mentee now sees their cohort match first and has been notified.",
        )
    return redirect("matching:staff_cohort_detail", pk=pk)


@staff_permission_required(PERM_COHORT_DECIDE)
@require_POST
def cohort_discard(request: HttpRequest, pk: int):
    run = get_object_or_404(MatchRun, pk=pk, kind=MatchRun.Kind.COHORT)
    with refusals_shown(request) as outcome:
        services.match_cohort_discard(run=run)
    if outcome.ok:
        audit_record(action=AuditLog.Action.COHORT_DISCARDED, target=run, request=request)
        messages.success(request, "Preview discarded.")
    return redirect("matching:staff_cohort")


@staff_permission_required(PERM_MANUAL_MATCH)
@require_http_methods(["GET", "POST"])
def manual_match(request: HttpRequest):
    form = ManualMatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_shown(request, form=form) as outcome:
            mentorship = services.manual_match(
                admin=request.user,
                mentee=form.cleaned_data["mentee"],
                mentor=form.cleaned_data["mentor"],
                format=form.cleaned_data["format"],
            )
        if outcome.ok:
            audit_record(
                action=AuditLog.Action.MANUAL_MATCH,
                target=mentorship,
                target_user=mentorship.mentee,
                summary=f"mentee #{mentorship.mentee_id}, mentor #{mentorship.mentor_id}",
                request=request,
            )
            messages.success(request, f"Matched: {mentorship}. Both were notified.")
            return redirect("matching:staff_manual_match")
    recent = Mentorship.objects.filter(request__isnull=True).select_related("mentee", "mentor")[:10]
    return render(request, "matching/staff/manual_match.html", {"form": form, "recent": recent})


@staff_permission_required(PERM_DO_NOT_MATCH)
@require_http_methods(["GET", "POST"])
def exclusions(request: HttpRequest):
    form = PairExcludeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_shown(request, form=form) as outcome:
            exclusion = services.pair_exclude(
                admin=request.user,
                mentee=form.cleaned_data["mentee"],
                mentor=form.cleaned_data["mentor"],
                note=form.cleaned_data["note"],
            )
        if outcome.ok:
            audit_record(
                action=AuditLog.Action.DO_NOT_MATCH,
                target=exclusion,
                target_user=exclusion.mentee,
                summary=f"mentee #{exclusion.mentee_id}, mentor #{exclusion.mentor_id}",
                request=request,
            )
            messages.success(request, "Saved: this pair will not be matched.")
            return redirect("matching:staff_exclusions")
    query = request.GET.get("q", "").strip()
    rows = PairExclusion.objects.select_related("mentee", "mentor", "created_by")
    if query:
        rows = rows.filter(Q(mentee__email__icontains=query) | Q(mentor__email__icontains=query))
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "matching/staff/exclusions.html",
        {"form": form, "page_obj": page, "exclusions": page.object_list, "query": query},
    )


@staff_permission_required(PERM_MANUAL_MATCH)
def people_options(request: HttpRequest):
    """``<option>``s for the person boxes (htmx): "Name <email>" of matching members."""
    from matching.selectors.people import MENTEE_ROLES, MENTOR_ROLES, people_matching

    roles = MENTOR_ROLES if request.GET.get("role") == "mentor" else MENTEE_ROLES
    term = request.GET.get("mentee") or request.GET.get("mentor") or request.GET.get("q", "")
    people = people_matching(term=term[:100], roles=roles)
    return render(request, "matching/staff/_people_options.html", {"people": people})
