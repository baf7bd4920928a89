"""A person's own profile: overview, editing, skills, availability, goals, onboarding.

Every view here is about the signed-in person's own data: anonymous visitors
get the login redirect, and goals or milestones of someone else are a 404
(never a 403, so ids do not reveal what exists). htmx endpoints return
fragments; every page also works as plain forms without JavaScript.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import selectors, services
from ..forms import (
    DEFAULT_LEVEL,
    GoalForm,
    MilestoneForm,
    OnboardingAboutForm,
    OnboardingGoalForm,
    OnboardingMentoringForm,
    ProfileForm,
    SkillListForm,
    SkillRow,
    availability_formset,
)
from ..hooks import profile_sections
from ..models import Goal, Milestone, Profile, ProfileSkill

# --- Helpers -------------------------------------------------------------------


def _own_profile(request: HttpRequest) -> Profile:
    return services.profile_get_or_create(user=request.user)


def _directions(profile: Profile) -> list[str]:
    directions = []
    if profile.is_mentor:
        directions.append(ProfileSkill.Direction.OFFERS)
    if profile.is_mentee:
        directions.append(ProfileSkill.Direction.WANTS)
    return directions


def _skill_forms(request: HttpRequest, profile: Profile) -> list[SkillListForm]:
    data = request.POST if request.method == "POST" else None
    return [SkillListForm(data, direction=direction) for direction in _directions(profile)]


def _save_skill_forms(profile: Profile, forms: list[SkillListForm]) -> bool:
    """Validate and save every skill form; put service errors back on the forms."""
    if not all(form.is_valid() for form in forms):
        return False
    try:
        services.profile_skills_update(
            profile=profile,
            items_by_direction={form.direction: form.cleaned_data["items"] for form in forms},
        )
    except services.SkillsError as exc:
        for form in forms:
            for message in exc.errors.get(form.direction, []):
                form.add_error(None, message)
        return False
    return True


def _skill_editors(forms: list[SkillListForm], profile: Profile) -> list[dict]:
    return [
        {"form": form, "direction": form.direction, "rows": form.rows(profile)} for form in forms
    ]


# --- Profile -------------------------------------------------------------------


@login_required
@require_GET
def profile_overview(request: HttpRequest):
    profile = _own_profile(request)
    profile = selectors.profile_for_user(user=request.user)
    return render(
        request,
        "profiles/profile_overview.html",
        {
            "profile": profile,
            "offers": selectors.profile_skills(profile=profile, direction="offers"),
            "wants": selectors.profile_skills(profile=profile, direction="wants"),
            "slots": profile.availability.all(),
            "goals": selectors.goals_for_user(user=request.user)[:5],
            "completeness": selectors.profile_completeness(profile=profile),
            "sections": profile_sections(request, profile, "overview"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest):
    profile = _own_profile(request)
    form = ProfileForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        services.profile_update(profile=profile, **form.profile_fields())
        if form.processed_avatar is not None:
            services.profile_avatar_set(profile=profile, avatar=form.processed_avatar)
        elif form.cleaned_data.get("remove_avatar"):
            services.profile_avatar_remove(profile=profile)
        messages.success(request, "Your profile is saved.")
        return redirect("profiles:profile")
    profile.refresh_from_db()  # a failed form must not leave invalid values on the instance
    return render(request, "profiles/profile_edit.html", {"form": form, "profile": profile})


@login_required
@require_http_methods(["GET", "POST"])
def profile_skills(request: HttpRequest):
    profile = _own_profile(request)
    forms = _skill_forms(request, profile)
    if request.method == "POST" and _save_skill_forms(profile, forms):
        messages.success(request, "Your skills are saved.")
        return redirect("profiles:profile_skills")
    return render(
        request,
        "profiles/profile_skills.html",
        {"profile": profile, "editors": _skill_editors(forms, profile)},
    )


@login_required
@require_GET
def skill_search(request: HttpRequest):
    """htmx: suggestions for the skill being typed (name or alias)."""
    direction = request.GET.get("direction", "wants")
    if direction not in ProfileSkill.Direction.values:
        raise Http404
    query = request.GET.get(f"{direction}-add") or request.GET.get("q", "")
    # The last comma-separated part is what is being typed.
    query = query.split(",")[-1].strip()
    skills = selectors.skills_search(query=query, user=request.user, limit=8)
    exact = any(
        skill.name.lower() == query.lower() or query.lower() in skill.alias_list for skill in skills
    )
    return render(
        request,
        "profiles/includes/_skill_suggestions.html",
        {
            "skills": skills,
            "query": query,
            "direction": direction,
            "offer_new": query and not exact,
        },
    )


@login_required
@require_GET
def skill_row(request: HttpRequest):
    """htmx: one row for the skill just picked (not saved until the form is)."""
    direction = request.GET.get("direction", "wants")
    if direction not in ProfileSkill.Direction.values:
        raise Http404
    form = SkillListForm(direction=direction)
    skill_id = request.GET.get("skill", "")
    if skill_id.isdigit():
        skill = get_object_or_404(selectors.skills_visible_to(user=request.user), pk=skill_id)
        row = SkillRow(
            str(skill.pk), skill.name, DEFAULT_LEVEL[direction], skill.status == "pending"
        )
    else:
        name = " ".join(request.GET.get("name", "").split())[: services.SKILL_NAME_MAX]
        if not name:
            raise Http404
        existing = selectors.skill_find_by_name(name=name)
        if (
            existing is not None
            and selectors.skills_visible_to(user=request.user).filter(pk=existing.pk).exists()
        ):
            row = SkillRow(str(existing.pk), existing.name, DEFAULT_LEVEL[direction])
        else:
            row = SkillRow(f"new:{name}", name, DEFAULT_LEVEL[direction], pending=True)
    return render(
        request,
        "profiles/includes/_skill_row.html",
        {"row": row, "form": form, "direction": direction},
    )


@login_required
@require_GET
def occupation_search(request: HttpRequest):
    """htmx: ``<option>``s of O*NET occupations for the job title ``<datalist>``."""
    query = request.GET.get("job_title") or request.GET.get("q", "")
    occupations = selectors.occupations_search(query=query)
    return render(
        request, "profiles/includes/_occupation_options.html", {"occupations": occupations}
    )


def _availability_saved(profile: Profile, formset) -> bool:
    """Save a valid availability formset; the service's refusals become its errors."""
    try:
        services.availability_set(profile=profile, slots=formset.slots)
    except ValidationError as exc:
        formset._non_form_errors = formset.error_class(exc.messages, error_class="nonform")
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def profile_availability(request: HttpRequest):
    profile = _own_profile(request)
    formset = availability_formset(request.POST or None, profile=profile)
    if request.method == "POST" and formset.is_valid() and _availability_saved(profile, formset):
        messages.success(request, "Your weekly availability is saved.")
        return redirect("profiles:profile_availability")
    return render(
        request,
        "profiles/profile_availability.html",
        {"profile": profile, "formset": formset},
    )


# --- Goals ---------------------------------------------------------------------


def _own_goal(request: HttpRequest, pk: int) -> Goal:
    return get_object_or_404(Goal, pk=pk, owner=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def goal_list(request: HttpRequest):
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        goal = services.goal_create(owner=request.user, **form.cleaned_data)
        messages.success(request, f"Goal “{goal.title}” added. Break it into milestones below.")
        return redirect("profiles:goal_detail", pk=goal.pk)
    return render(
        request,
        "profiles/goal_list.html",
        {
            "form": form,
            "goals": selectors.goals_for_user(user=request.user),
            "profile": _own_profile(request),
        },
    )


@login_required
@require_GET
def goal_detail(request: HttpRequest, pk: int):
    goal = _own_goal(request, pk)
    return render(
        request,
        "profiles/goal_detail.html",
        {"goal": goal, "milestones": goal.milestones.all(), "milestone_form": MilestoneForm()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, pk: int):
    goal = _own_goal(request, pk)
    form = GoalForm(request.POST or None, instance=goal)
    if request.method == "POST" and form.is_valid():
        services.goal_update(goal=_own_goal(request, pk), **form.cleaned_data)
        messages.success(request, "Goal saved.")
        return redirect("profiles:goal_detail", pk=pk)
    return render(
        request, "profiles/goal_edit.html", {"form": form, "goal": _own_goal(request, pk)}
    )


@login_required
@require_POST
def goal_delete(request: HttpRequest, pk: int):
    goal = _own_goal(request, pk)
    title = goal.title
    services.goal_delete(goal=goal)
    messages.success(request, f"Goal “{title}” deleted.")
    return redirect("profiles:goal_list")


@login_required
@require_POST
def milestone_add(request: HttpRequest, pk: int):
    goal = _own_goal(request, pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        services.milestone_add(goal=goal, **form.cleaned_data)
        return redirect(reverse("profiles:goal_detail", args=[pk]) + "#milestones")
    return render(
        request,
        "profiles/goal_detail.html",
        {"goal": goal, "milestones": goal.milestones.all(), "milestone_form": form},
        status=400,
    )


def _own_milestone(request: HttpRequest, goal_pk: int, pk: int) -> Milestone:
    return get_object_or_404(
        Milestone.objects.select_related("goal"), pk=pk, goal_id=goal_pk, goal__owner=request.user
    )


@login_required
@require_POST
def milestone_toggle(request: HttpRequest, goal_pk: int, pk: int):
    milestone = services.milestone_toggle(milestone=_own_milestone(request, goal_pk, pk))
    if request.htmx:
        return render(
            request,
            "profiles/includes/_milestone.html",
            {"milestone": milestone, "goal": milestone.goal},
        )
    return redirect(reverse("profiles:goal_detail", args=[goal_pk]) + "#milestones")


@login_required
@require_POST
def milestone_delete(request: HttpRequest, goal_pk: int, pk: int):
    services.milestone_delete(milestone=_own_milestone(request, goal_pk, pk))
    if request.htmx:
        return HttpResponse("")
    return redirect(reverse("profiles:goal_detail", args=[goal_pk]) + "#milestones")


# --- Onboarding ----------------------------------------------------------------

STEP_TITLES = {
    "about": "About you",
    "skills": "Skills",
    "goals": "Your goal",
    "mentoring": "Mentoring",
    "done": "Done",
}


def onboarding_steps(profile: Profile) -> list[str]:
    """role → skills → goals (mentees) and/or capacity + availability (mentors) → done."""
    steps = ["about", "skills"]
    if profile.is_mentee:
        steps.append("goals")
    if profile.is_mentor:
        steps.append("mentoring")
    steps.append("done")
    return steps


@login_required
@require_GET
def onboarding(request: HttpRequest):
    return redirect("profiles:onboarding_step", step="about")


@login_required
@require_http_methods(["GET", "POST"])
def onboarding_step(request: HttpRequest, step: str):
    profile = _own_profile(request)
    steps = onboarding_steps(profile)
    if step not in steps:
        raise Http404
    index = steps.index(step)
    context = {
        "profile": profile,
        "step": step,
        "steps": [{"slug": slug, "title": STEP_TITLES[slug]} for slug in steps],
        "step_number": index + 1,
        "step_count": len(steps),
        "progress": round(100 * index / (len(steps) - 1)),
        "previous_step": steps[index - 1] if index > 0 else None,
    }
    if step == "done":
        context["completeness"] = selectors.profile_completeness(profile=profile)
        return render(request, "profiles/onboarding/done.html", context)

    # The first step asks for the name others see: it cannot be skipped.
    skipping = request.method == "POST" and "skip" in request.POST and step != "about"
    saved = False
    if step == "about":
        form = OnboardingAboutForm(
            None if skipping else (request.POST or None),
            initial={
                "display_name": profile.display_name or request.user.name,
                "role": profile.role,
                "job_title": profile.job_title,
                "years_experience": profile.years_experience,
                "languages": list(profile.languages.all()),
                "timezone": profile.timezone,
            },
        )
        context["form"] = form
        if request.method == "POST" and not skipping and form.is_valid():
            services.profile_update(profile=profile, **form.cleaned_data)
            saved = True
    elif step == "skills":
        forms = [
            SkillListForm(None if skipping else (request.POST or None), direction=direction)
            for direction in _directions(profile)
        ]
        context["editors"] = _skill_editors(forms, profile)
        if request.method == "POST" and not skipping:
            saved = _save_skill_forms(profile, forms)
            context["editors"] = _skill_editors(forms, profile)
    elif step == "goals":
        form = OnboardingGoalForm(None if skipping else (request.POST or None))
        context["form"] = form
        context["existing_goals"] = selectors.goals_for_user(user=request.user)[:3]
        # Mentees who are not also mentors are asked here when they can meet
        # (optional); otherwise matching assumes office hours and says so.
        formset = None
        if not profile.is_mentor:
            posted = (
                request.method == "POST" and not skipping and "slots-TOTAL_FORMS" in request.POST
            )
            formset = availability_formset(request.POST if posted else None, profile=profile)
            context["formset"] = formset
        if request.method == "POST" and not skipping and form.is_valid():
            slots_ok = formset is None or not formset.is_bound or formset.is_valid()
            if slots_ok and formset is not None and formset.is_bound and formset.slots:
                try:
                    services.availability_set(profile=profile, slots=formset.slots)
                except ValidationError as exc:
                    formset._non_form_errors = formset.error_class(
                        exc.messages, error_class="nonform"
                    )
                    slots_ok = False
            if slots_ok:
                services.goal_create(owner=request.user, **form.cleaned_data)
                saved = True
    elif step == "mentoring":
        data = None if skipping else (request.POST or None)
        form = OnboardingMentoringForm(
            data,
            initial={
                "capacity": profile.capacity or 2,
                "format_flash": profile.format_flash,
                "format_long_term": profile.format_long_term,
            },
        )
        formset = availability_formset(data, profile=profile)
        context.update(form=form, formset=formset)
        valid = request.method == "POST" and not skipping and form.is_valid() and formset.is_valid()
        if valid and _availability_saved(profile, formset):
            services.profile_update(profile=profile, **form.cleaned_data)
            saved = True

    if saved or skipping:
        # The role may just have changed the remaining steps.
        steps = onboarding_steps(profile)
        next_step = steps[steps.index(step) + 1]
        if next_step == "done":
            services.profile_onboarding_complete(profile=profile)
        return redirect("profiles:onboarding_step", step=next_step)
    return render(request, f"profiles/onboarding/{step}.html", context)


# --- Dashboard panel -------------------------------------------------------------


def completeness_panel(request: HttpRequest) -> dict | None:
    """The dashboard's profile panel: completeness, the nudge and quick links."""
    if not request.user.is_authenticated:
        return None
    if not selectors.member_takes_part(user=request.user):
        # A staff account without a profile: one line offering to set one up.
        return {
            "template": "profiles/includes/_profile_offer_panel.html",
            "context": {},
            "order": 90,
        }
    # Read first: a dashboard view writes only for the rare account without a profile.
    profile = selectors.profile_of(request.user) or services.profile_get_or_create(
        user=request.user
    )
    completeness = selectors.profile_completeness(profile=profile)
    return {
        "template": "profiles/includes/_completeness_panel.html",
        "context": {
            "profile": profile,
            "completeness": completeness,
            "onboarding_pending": profile.onboarded_at is None,
        },
        # Near the top while the profile is not good enough to match.
        "order": 5 if not completeness.ready_to_match else 60,
    }
