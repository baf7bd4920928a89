"""Ask the network: list, ask, one question with its answers, marks, routing settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from community import selectors, services
from community.forms import AnswerForm, QuestionForm, QuestionPreferenceForm, QuestionSearchForm
from community.models import DEFAULT_WEEKLY_LIMIT, QuestionPreference
from mentorship.pagination import OneQueryPaginator
from mentorship.views_helpers import refusals_shown
from profiles.forms import SkillListForm
from profiles.models import ProfileSkill
from profiles.sanitize import render_markdown

PAGE_SIZE = 20


def _is_mentor(user) -> bool:
    profile = getattr(user, "profile", None)
    return bool(profile and profile.is_mentor)


@login_required
def question_list(request: HttpRequest):
    form = QuestionSearchForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(
            request,
            "community/question_list.html",
            {"form": form, "page_obj": None, "questions": [], "asked_of_you": []},
            status=400,
        )
    data = form.cleaned_data if form.is_bound else {}
    questions = selectors.questions_filtered(
        viewer=request.user,
        text=data.get("q") or "",
        skill=data.get("skill"),
        unanswered=bool(data.get("unanswered")),
        asked_of_me=bool(data.get("mine")),
    )
    page = OneQueryPaginator(questions, PAGE_SIZE).get_page(request.GET.get("page"))
    filtering = any(data.get(k) for k in ("q", "skill", "unanswered", "mine"))
    asked_of_you = (
        selectors.questions_asked_of(viewer=request.user)
        if _is_mentor(request.user) and not filtering and page.number == 1
        else []
    )
    return render(
        request,
        "community/question_list.html",
        {
            "form": form,
            "page_obj": page,
            "questions": page.object_list,
            "asked_of_you": asked_of_you,
            "filtering": filtering,
            "is_mentor": _is_mentor(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_ask(request: HttpRequest):
    form = QuestionForm(request.POST or None)
    skills_form = SkillListForm(request.POST or None, direction=ProfileSkill.Direction.WANTS)
    if request.method == "POST" and form.is_valid() & skills_form.is_valid():
        with refusals_shown(request, form=form) as outcome:
            skills = services.question_skills_resolve(
                items=skills_form.cleaned_data["items"], user=request.user
            )
            question = services.question_ask(
                author=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                skills=skills,
            )
        if outcome.ok:
            routed = question.routes.count()
            messages.success(
                request,
                f"Your question is posted and was put to {routed} mentor{'s' if routed != 1 else ''}."
                if routed
                else "Your question is posted. No mentor with these skills has room this week; "
                "anyone may still answer.",
            )
            return redirect("community:question_detail", pk=question.pk)
    rows = skills_form.posted_rows or []
    return render(
        request,
        "community/question_ask.html",
        {"form": form, "skills_form": skills_form, "skill_rows": rows},
    )


def _detail_context(request, question, answer_form=None) -> dict:
    answers = selectors.answers_for_question(question=question, viewer=request.user)
    routes = selectors.question_routes(question=question)
    signals = selectors.trust_signals([a.answer.author_id for a in answers])
    for item in answers:
        item.signals = signals.get(item.answer.author_id)
        item.html = render_markdown(item.answer.body)
    answered = any(a.answer.author_id == request.user.pk for a in answers)
    return {
        "question": question,
        "question_html": render_markdown(question.body),
        "answers": answers,
        "routes": routes,
        "is_asker": question.author_id == request.user.pk,
        "asked_of_viewer": any(r.mentor_id == request.user.pk for r in routes),
        "answer_form": None
        if answered or question.author_id == request.user.pk or question.is_hidden
        else (answer_form or AnswerForm()),
    }


@login_required
def question_detail(request: HttpRequest, pk: int):
    question = selectors.question_for_viewer(pk=pk, viewer=request.user)
    return render(request, "community/question_detail.html", _detail_context(request, question))


@login_required
@require_POST
def answer_create(request: HttpRequest, pk: int):
    question = selectors.question_for_viewer(pk=pk, viewer=request.user)
    form = AnswerForm(request.POST)
    if form.is_valid():
        # A refusal (answered already, hidden question) becomes a message on the page.
        with refusals_shown(request) as outcome:
            answer = services.answer_post(
                question=question, author=request.user, body=form.cleaned_data["body"]
            )
        if outcome.ok:
            messages.success(request, "Thank you: your answer is posted.")
            return redirect(
                reverse("community:question_detail", args=[question.pk]) + f"#answer-{answer.pk}"
            )
        return redirect("community:question_detail", pk=question.pk)
    return render(
        request,
        "community/question_detail.html",
        _detail_context(request, question, answer_form=form),
        status=400,
    )


@login_required
@require_POST
def answer_helpful(request: HttpRequest, pk: int):
    answer = selectors.answer_for_viewer(pk=pk, viewer=request.user)
    with refusals_shown(request) as outcome:
        created = services.answer_mark_helpful(answer=answer, by=request.user)
    if outcome.ok:
        messages.success(
            request,
            "Marked as helpful." if created else "You had already marked this answer helpful.",
        )
    return redirect(
        reverse("community:question_detail", args=[answer.question_id]) + f"#answer-{answer.pk}"
    )


@login_required
@require_POST
def answer_accept(request: HttpRequest, pk: int):
    answer = selectors.answer_for_viewer(pk=pk, viewer=request.user)
    with refusals_shown(request) as outcome:
        services.answer_accept(answer=answer, by=request.user)
    if outcome.ok:
        messages.success(request, "You accepted this answer.")
    return redirect(
        reverse("community:question_detail", args=[answer.question_id]) + f"#answer-{answer.pk}"
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_settings(request: HttpRequest):
    current = (
        QuestionPreference.objects.filter(user=request.user)
        .values_list("weekly_limit", flat=True)
        .first()
    )
    initial = {"weekly_limit": DEFAULT_WEEKLY_LIMIT if current is None else current}
    form = QuestionPreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusals_shown(request, form=form) as outcome:
            services.question_preference_set(
                user=request.user, weekly_limit=form.cleaned_data["weekly_limit"]
            )
        if outcome.ok:
            messages.success(request, "Saved: your weekly limit for routed questions.")
            return redirect("community:question_settings")
    return render(
        request,
        "community/question_settings.html",
        {"form": form, "is_mentor": _is_mentor(request.user)},
    )
