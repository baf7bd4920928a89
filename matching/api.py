"""REST endpoints of matching: suggestions, requests, mentorships; runs and cohorts (staff).

The same selectors find objects (only among the caller's: a stranger gets a
404), the web's forms check input, the same services write, and a refusal is
a 400 with its code. Long work is queued exactly as the staff pages queue it
(``delay_on_commit``).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from matching import services, tasks
from matching.forms import (
    DECLINE_SUGGESTION_REASONS,
    MESSAGE_MAX,
    CohortPreviewForm,
    MatchRequestForm,
    MentorshipEndForm,
    MentorshipRenewForm,
    RequestDeclineForm,
    RequestQuestionForm,
    SuggestionDeclineForm,
)
from matching.models import Format, MatchRequest, MatchRun, Mentorship, RequestMessage, Suggestion
from matching.selectors import (
    cohort_pairs,
    match_request_for_party,
    match_requests_received,
    match_requests_sent,
    match_runs_for_admin,
    mentorship_for_party,
    mentorships_for_user,
    suggestion_for_mentee,
    suggestions_filtered,
)
from mentorship.api import (
    IsProgrammeManager,
    ListAPIView,
    error_responses,
    form_checked,
    found,
    input_checked,
)
from profiles.directory_selectors import profile_for_viewer
from profiles.models import Profile

# --- shared output -------------------------------------------------------------


class PersonBriefSerializer(serializers.Serializer):
    """A person, named by their profile's public id (never a row id), as URLs name them."""

    public_id = serializers.UUIDField(source="profile.public_id", default=None, allow_null=True)
    name = serializers.SerializerMethodField()
    headline = serializers.SerializerMethodField()

    def _profile(self, user):
        return getattr(user, "profile", None)

    def get_name(self, user) -> str:
        profile = self._profile(user)
        return profile.name if profile else str(user)

    def get_headline(self, user) -> str:
        profile = self._profile(user)
        return profile.headline if profile else ""


class MentorBriefSerializer(PersonBriefSerializer):
    job_title = serializers.CharField(source="profile.job_title", default="")
    years_experience = serializers.IntegerField(source="profile.years_experience", default=0)
    timezone = serializers.CharField(source="profile.timezone", default="UTC")
    formats = serializers.ListField(
        child=serializers.CharField(), source="profile.formats", default=list
    )
    languages = serializers.SerializerMethodField()

    def get_languages(self, user) -> list[str]:
        profile = self._profile(user)
        return [language.code for language in profile.languages.all()] if profile else []


# --- suggestions ---------------------------------------------------------------


class SuggestionSerializer(serializers.ModelSerializer):
    mentor = MentorBriefSerializer(read_only=True)
    components = serializers.DictField(
        child=serializers.FloatField(), help_text="Each score component in [0, 1]."
    )
    reasons = serializers.ListField(
        child=serializers.JSONField(),
        help_text="Why this mentor: shared skills, hours, years ahead.",
    )
    places_left = serializers.SerializerMethodField()

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "rank",
            "score",
            "components",
            "reasons",
            "mentor",
            "places_left",
            "run",
            "created_at",
        ]
        read_only_fields = fields

    def get_places_left(self, obj) -> int | None:
        profile = getattr(obj.mentor, "profile", None)
        taken = getattr(obj, "places_taken", None)
        if profile is None or taken is None or not profile.format_long_term:
            return None
        return max(profile.capacity - taken, 0)


class SuggestionFilterSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=Format.choices, required=False)
    language = serializers.CharField(max_length=8, required=False)
    has_capacity = serializers.BooleanField(required=False, default=False)


@extend_schema(
    tags=["suggestions"],
    parameters=[SuggestionFilterSerializer],
    responses={200: SuggestionSerializer(many=True), **error_responses(400)},
)
class SuggestionListView(ListAPIView):
    """Your current suggestions, best first, each with its explanation."""

    serializer_class = SuggestionSerializer
    ordering = ("rank", "id")

    def get_queryset(self):
        filters = input_checked(SuggestionFilterSerializer, self.request.query_params)
        suggestions = suggestions_filtered(
            user=self.request.user,
            format=filters.get("format", ""),
            language=filters.get("language", ""),
            has_capacity=filters.get("has_capacity", False),
        )
        # Only what this answer shows: the web page's extra joins (the run, the
        # occupation) and its offered-skills prefetch cost time here for nothing.
        return (
            suggestions.select_related(None)
            .select_related("mentor__profile")
            .prefetch_related(None)
            .prefetch_related("mentor__profile__languages")
        )


class RequestCreateSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=Format.choices)
    message = serializers.CharField(max_length=MESSAGE_MAX, help_text="At least a sentence.")
    goal = serializers.IntegerField(required=False, allow_null=True, help_text="One of your goals.")


class SuggestionDeclineSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=DECLINE_SUGGESTION_REASONS)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class RequestMessageSerializer(serializers.ModelSerializer):
    author = serializers.IntegerField(source="author_id", read_only=True)

    class Meta:
        model = RequestMessage
        fields = ["id", "author", "body", "created_at"]
        read_only_fields = fields


class MatchRequestSerializer(serializers.ModelSerializer):
    mentee = PersonBriefSerializer(read_only=True)
    mentor = PersonBriefSerializer(read_only=True)
    goal = serializers.SerializerMethodField()
    messages = RequestMessageSerializer(many=True, read_only=True)

    class Meta:
        model = MatchRequest
        fields = [
            "id",
            "status",
            "format",
            "message",
            "goal",
            "mentee",
            "mentor",
            "suggestion",
            "decline_reason",
            "messages",
            "created_at",
            "responded_at",
            "expires_at",
        ]
        read_only_fields = fields

    def get_goal(self, obj) -> str | None:
        return obj.goal.title if obj.goal_id else None


def _request_create(request, mentor, suggestion=None) -> Response:
    data = input_checked(RequestCreateSerializer, request.data)
    mentor_profile = Profile.objects.filter(user=mentor).first()
    if mentor_profile is None or not mentor_profile.is_mentor:
        found(None)
    mentee_profile = Profile.objects.filter(user=request.user).first()
    formats = [
        value
        for value in mentor_profile.formats
        if mentee_profile is None or value in mentee_profile.formats
    ]
    form = form_checked(
        MatchRequestForm(
            {"format": data["format"], "message": data["message"], "goal": data.get("goal") or ""},
            mentee=request.user,
            formats=formats,
        )
    )
    match_request = services.match_request_create(
        mentee=request.user,
        mentor=mentor,
        format=form.cleaned_data["format"],
        message=form.cleaned_data["message"],
        goal=form.cleaned_data["goal"],
        suggestion=suggestion,
    )
    match_request = match_request_for_party(user=request.user, pk=match_request.pk)
    return Response(MatchRequestSerializer(match_request).data, status=201)


class SuggestionRequestView(APIView):
    @extend_schema(
        tags=["suggestions"],
        request=RequestCreateSerializer,
        responses={201: MatchRequestSerializer, **error_responses(400, 404)},
    )
    def post(self, request, pk: int):
        """Send the suggested mentor a request."""
        suggestion = found(suggestion_for_mentee(user=request.user, pk=pk))
        return _request_create(request, suggestion.mentor, suggestion)


class SuggestionDeclineView(APIView):
    @extend_schema(
        tags=["suggestions"],
        request=SuggestionDeclineSerializer,
        responses={204: None, **error_responses(400, 404)},
    )
    def post(self, request, pk: int):
        """Not for me: this mentor is never suggested to you again."""
        suggestion = found(suggestion_for_mentee(user=request.user, pk=pk))
        data = input_checked(SuggestionDeclineSerializer, request.data)
        form = form_checked(
            SuggestionDeclineForm({"reason": data["reason"], "note": data.get("note", "")})
        )
        services.suggestion_decline(
            suggestion=suggestion, mentee=request.user, reason=form.reason_text()
        )
        return Response(status=204)


class MentorRequestView(APIView):
    @extend_schema(
        tags=["requests"],
        request=RequestCreateSerializer,
        responses={201: MatchRequestSerializer, **error_responses(400, 404)},
    )
    def post(self, request, public_id):
        """Request a mentor found elsewhere (the directory), not through a suggestion.

        Named by the profile's public id; only a profile you may see (visibility,
        blocks, suspension) is found, as on the web.
        """
        profile = profile_for_viewer(viewer=request.user, public_id=public_id)
        if profile is None or profile.user_id == request.user.pk or not profile.user.is_active:
            found(None)
        return _request_create(request, profile.user)


# --- requests ------------------------------------------------------------------


class ReceivedFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=MatchRequest.Status.choices, required=False)


@extend_schema(
    tags=["requests"], responses={200: MatchRequestSerializer(many=True), **error_responses()}
)
class RequestsSentView(ListAPIView):
    """Requests you sent, newest first."""

    serializer_class = MatchRequestSerializer
    ordering = ("-created_at", "-id")

    def get_queryset(self):
        return match_requests_sent(user=self.request.user)


@extend_schema(
    tags=["requests"],
    parameters=[ReceivedFilterSerializer],
    responses={200: MatchRequestSerializer(many=True), **error_responses(400)},
)
class RequestsReceivedView(ListAPIView):
    """Requests sent to you (`?status=pending` for those waiting for your answer)."""

    serializer_class = MatchRequestSerializer
    ordering = ("-created_at", "-id")

    def get_queryset(self):
        filters = input_checked(ReceivedFilterSerializer, self.request.query_params)
        return match_requests_received(user=self.request.user, status=filters.get("status", ""))


def _party_request(request, pk: int, *, side: str | None = None) -> MatchRequest:
    match_request = found(match_request_for_party(user=request.user, pk=pk))
    if side == "mentor" and match_request.mentor_id != request.user.pk:
        found(None)
    if side == "mentee" and match_request.mentee_id != request.user.pk:
        found(None)
    return match_request


def _request_out(request, pk: int) -> Response:
    return Response(MatchRequestSerializer(match_request_for_party(user=request.user, pk=pk)).data)


class RequestDetailView(APIView):
    @extend_schema(
        tags=["requests"], responses={200: MatchRequestSerializer, **error_responses(404)}
    )
    def get(self, request, pk: int):
        return Response(MatchRequestSerializer(_party_request(request, pk)).data)


class MentorshipSerializer(serializers.ModelSerializer):
    mentee = PersonBriefSerializer(read_only=True)
    mentor = PersonBriefSerializer(read_only=True)

    class Meta:
        model = Mentorship
        fields = [
            "id",
            "status",
            "format",
            "mentee",
            "mentor",
            "request",
            "started_at",
            "ends_on",
            "ended_at",
            "end_reason",
            "renewed_from",
        ]
        read_only_fields = fields


class RequestAcceptView(APIView):
    @extend_schema(
        tags=["requests"],
        request=None,
        responses={201: MentorshipSerializer, **error_responses(400, 404)},
    )
    def post(self, request, pk: int):
        """Accept a request sent to you: a mentorship starts."""
        match_request = _party_request(request, pk, side="mentor")
        mentorship = services.match_request_accept(request=match_request, mentor=request.user)
        mentorship = mentorship_for_party(user=request.user, pk=mentorship.pk)
        return Response(MentorshipSerializer(mentorship).data, status=201)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=MESSAGE_MAX, help_text="Shared with the mentee.")


class RequestDeclineView(APIView):
    @extend_schema(
        tags=["requests"],
        request=ReasonSerializer,
        responses={200: MatchRequestSerializer, **error_responses(400, 404)},
    )
    def post(self, request, pk: int):
        match_request = _party_request(request, pk, side="mentor")
        data = input_checked(ReasonSerializer, request.data)
        form = form_checked(RequestDeclineForm({"reason": data["reason"]}))
        services.match_request_decline(
            request=match_request, mentor=request.user, reason=form.cleaned_data["reason"]
        )
        return _request_out(request, pk)


class RequestWithdrawView(APIView):
    @extend_schema(
        tags=["requests"],
        request=None,
        responses={200: MatchRequestSerializer, **error_responses(400, 404)},
    )
    def post(self, request, pk: int):
        match_request = _party_request(request, pk, side="mentee")
        services.match_request_withdraw(request=match_request, mentee=request.user)
        return _request_out(request, pk)


class MessageBodySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MESSAGE_MAX)


def _request_message(request, pk: int, side: str) -> Response:
    match_request = _party_request(request, pk, side=side)
    data = input_checked(MessageBodySerializer, request.data)
    form = form_checked(RequestQuestionForm({"body": data["body"]}))
    services.match_request_message_add(
        request=match_request, author=request.user, body=form.cleaned_data["body"]
    )
    return _request_out(request, pk)


class RequestAskView(APIView):
    @extend_schema(
        tags=["requests"],
        request=MessageBodySerializer,
        responses={200: MatchRequestSerializer, **error_responses(400, 404)},
    )
    def post(self, request, pk: int):
        """The mentor asks the mentee a question; the request stays open."""
        return _request_message(request, pk, "mentor")


class RequestReplyView(APIView):
    @extend_schema(
        tags=["requests"],
        request=MessageBodySerializer,
        responses={200: MatchRequestSerializer, **error_responses(400, 404)},
    )
    def post(self, request, pk: int):
        """The mentee answers the mentor's question."""
        return _request_message(request, pk, "mentee")


# --- mentorships ----------------------------------------------------------------


@extend_schema(
    tags=["mentorships"], responses={200: MentorshipSerializer(many=True), **error_responses()}
)
class MentorshipListView(ListAPIView):
    """Your mentorships, as mentee and as mentor."""

    serializer_class = MentorshipSerializer
    ordering = ("-started_at", "-id")

    def get_queryset(self):
        return mentorships_for_user(user=self.request.user)


class MentorshipDetailView(APIView):
    @extend_schema(
        tags=["mentorships"], responses={200: MentorshipSerializer, **error_responses(404)}
    )
    def get(self, request, pk: int):
        return Response(
            MentorshipSerializer(found(mentorship_for_party(user=request.user, pk=pk))).data
        )


class MentorshipEndSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["completed", "ended"])
    reason = serializers.CharField(max_length=MESSAGE_MAX, required=False, allow_blank=True)


class MentorshipEndView(APIView):
    @extend_schema(
        tags=["mentorships"],
        request=MentorshipEndSerializer,
        responses={200: MentorshipSerializer, **error_responses(400, 404)},
    )
    def post(self, request, pk: int):
        """Complete or end a mentorship (either party)."""
        mentorship = found(mentorship_for_party(user=request.user, pk=pk))
        data = input_checked(MentorshipEndSerializer, request.data)
        # The web form's confirm box guards a click; an API call is deliberate already.
        form = form_checked(
            MentorshipEndForm(
                {"outcome": data["outcome"], "reason": data.get("reason", ""), "confirm": True}
            )
        )
        services.mentorship_end(
            mentorship=mentorship,
            by=request.user,
            reason=form.cleaned_data["reason"],
            completed=form.cleaned_data["outcome"] == "completed",
        )
        return Response(MentorshipSerializer(mentorship_for_party(user=request.user, pk=pk)).data)


class MentorshipRenewSerializer(serializers.Serializer):
    ends_on = serializers.DateField(required=False, allow_null=True)


class MentorshipRenewView(APIView):
    @extend_schema(
        tags=["mentorships"],
        request=MentorshipRenewSerializer,
        responses={201: MentorshipSerializer, **error_responses(400, 404)},
    )
    def post(self, request, pk: int):
        """Renew a mentorship: a new one continues it."""
        mentorship = found(mentorship_for_party(user=request.user, pk=pk))
        data = input_checked(MentorshipRenewSerializer, request.data)
        form = form_checked(MentorshipRenewForm({"ends_on": data.get("ends_on") or ""}))
        renewed = services.mentorship_renew(
            mentorship=mentorship, by=request.user, ends_on=form.cleaned_data["ends_on"]
        )
        return Response(
            MentorshipSerializer(mentorship_for_party(user=request.user, pk=renewed.pk)).data,
            status=201,
        )


# --- runs and cohorts (programme managers) -------------------------------------------


class MatchRunSerializer(serializers.ModelSerializer):
    progress_percent = serializers.IntegerField(read_only=True)
    duration_seconds = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = MatchRun
        fields = [
            "id",
            "kind",
            "status",
            "mode",
            "chunks_total",
            "chunks_done",
            "progress_percent",
            "mentees_count",
            "mentors_count",
            "suggestions_count",
            "figures",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "duration_seconds",
        ]
        read_only_fields = fields


class CohortPairSerializer(serializers.ModelSerializer):
    mentee = PersonBriefSerializer(read_only=True)
    mentor = PersonBriefSerializer(read_only=True)

    class Meta:
        model = Suggestion
        fields = ["id", "mentee", "mentor", "score", "components", "reasons", "status"]
        read_only_fields = fields


class CohortSerializer(MatchRunSerializer):
    pairs = serializers.SerializerMethodField()

    class Meta(MatchRunSerializer.Meta):
        fields = [*MatchRunSerializer.Meta.fields, "pairs"]
        read_only_fields = fields

    @extend_schema_field(CohortPairSerializer(many=True))
    def get_pairs(self, run) -> list[dict]:
        return CohortPairSerializer(cohort_pairs(run=run)[:500], many=True).data


class RunKindFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MatchRun.Kind.choices, required=False)


@extend_schema(tags=["runs"])
class RunListView(ListAPIView):
    """Scoring runs and cohort previews, newest first."""

    permission_classes = ListAPIView.permission_classes + [IsProgrammeManager]
    serializer_class = MatchRunSerializer
    ordering = ("-created_at", "-id")

    def get_queryset(self):
        filters = input_checked(RunKindFilterSerializer, self.request.query_params)
        return match_runs_for_admin(kind=filters.get("kind"))

    @extend_schema(
        parameters=[RunKindFilterSerializer],
        responses={200: MatchRunSerializer(many=True), **error_responses(400, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=None, responses={202: MatchRunSerializer, **error_responses(400, 404)})
    def post(self, request):
        """Start a full scoring run (refused while one is active); poll its status."""
        run = services.match_run_start(triggered_by=request.user)
        tasks.run_full_scoring.delay_on_commit(run.pk)
        return Response(MatchRunSerializer(run).data, status=202)


class RunDetailView(APIView):
    permission_classes = APIView.permission_classes + [IsProgrammeManager]

    @extend_schema(tags=["runs"], responses={200: MatchRunSerializer, **error_responses(404)})
    def get(self, request, pk: int):
        return Response(MatchRunSerializer(found(MatchRun.objects.filter(pk=pk).first())).data)


class CohortCreateSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=["stable", "optimal"])


class CohortCreateView(APIView):
    permission_classes = APIView.permission_classes + [IsProgrammeManager]

    @extend_schema(
        tags=["cohorts"],
        request=CohortCreateSerializer,
        responses={202: MatchRunSerializer, **error_responses(400, 404)},
    )
    def post(self, request):
        """Queue a whole-cohort assignment preview; read it when its status is finished."""
        data = input_checked(CohortCreateSerializer, request.data)
        form = form_checked(CohortPreviewForm({"mode": data["mode"]}))
        run = services.match_cohort_create(
            mode=form.cleaned_data["mode"], triggered_by=request.user
        )
        tasks.cohort_preview.delay_on_commit(run.pk)
        return Response(MatchRunSerializer(run).data, status=202)


def _cohort_or_404(pk: int) -> MatchRun:
    return found(MatchRun.objects.filter(pk=pk, kind=MatchRun.Kind.COHORT).first())


class CohortDetailView(APIView):
    permission_classes = APIView.permission_classes + [IsProgrammeManager]

    @extend_schema(tags=["cohorts"], responses={200: CohortSerializer, **error_responses(404)})
    def get(self, request, pk: int):
        """A cohort preview with its pairs (up to 500)."""
        return Response(CohortSerializer(_cohort_or_404(pk)).data)


class CohortPublishView(APIView):
    permission_classes = APIView.permission_classes + [IsProgrammeManager]

    @extend_schema(
        tags=["cohorts"],
        request=None,
        responses={200: MatchRunSerializer, **error_responses(400, 404)},
    )
    def post(self, request, pk: int):
        """Publish the preview: each mentee sees their cohort match first."""
        run = services.match_cohort_publish(run=_cohort_or_404(pk))
        return Response(MatchRunSerializer(run).data)
