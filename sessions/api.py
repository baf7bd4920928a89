"""REST endpoints of the workspace: sessions, their calendar file, notes, feedback, messages.

The web's selectors find objects (only among the caller's sessions and
mentorships: a stranger gets a 404), the web's forms check input, the same
services write, and a refusal is a 400 with its code (docs/api.md).
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from matching.selectors import mentorship_for_party
from mentorship.api import ListAPIView, error_responses, form_checked, found, input_checked
from profiles.directory_selectors import profile_for_viewer
from profiles.models import Profile
from sessions import calendar as ical
from sessions import selectors, services
from sessions.forms import FeedbackForm, MessageForm, NoteForm, ReasonForm
from sessions.models import (
    AGENDA_MAX,
    COMMENT_MAX,
    MESSAGE_MAX,
    NOTE_MAX,
    REASON_MAX,
    MentoringSession,
    Message,
    SessionFeedback,
    SessionNote,
)

# --- output ----------------------------------------------------------------------


class SessionPersonSerializer(serializers.Serializer):
    """Someone in a session or thread, named by their profile's public id (never a row id)."""

    public_id = serializers.UUIDField(source="profile.public_id", default=None, allow_null=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        profile = getattr(user, "profile", None)
        return profile.name if profile is not None else str(user)


class SessionStateSerializer(serializers.Serializer):
    can_answer = serializers.BooleanField(help_text="You may confirm, decline or reschedule.")
    can_cancel = serializers.BooleanField()
    can_rate = serializers.BooleanField()
    ended = serializers.BooleanField()
    awaiting_other = serializers.BooleanField(help_text="You proposed; the other person answers.")


class SessionSerializer(serializers.ModelSerializer):
    mentor = SessionPersonSerializer(read_only=True)
    mentee = SessionPersonSerializer(read_only=True)
    proposed_by = SessionPersonSerializer(read_only=True)
    mentorship = serializers.IntegerField(source="mentorship_id", allow_null=True)
    replaces = serializers.IntegerField(source="replaces_id", allow_null=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = MentoringSession
        fields = [
            "id",
            "kind",
            "status",
            "mentorship",
            "mentor",
            "mentee",
            "proposed_by",
            "starts_at",
            "ends_at",
            "topic",
            "agenda",
            "meeting_link",
            "decline_reason",
            "cancel_reason",
            "cancelled_late",
            "replaces",
            "created_at",
            "state",
        ]
        read_only_fields = fields

    @extend_schema_field(SessionStateSerializer)
    def get_state(self, session) -> dict:
        state = selectors.session_state_for(session, self.context["request"].user)
        return {key: state[key] for key in SessionStateSerializer().fields}


class NoteSerializer(serializers.ModelSerializer):
    author = SessionPersonSerializer(read_only=True)
    private = serializers.BooleanField(source="is_private")

    class Meta:
        model = SessionNote
        fields = ["id", "author", "private", "body", "created_at", "updated_at"]
        read_only_fields = fields


class FeedbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = SessionFeedback
        fields = ["id", "session", "rating", "comment", "created_at"]
        read_only_fields = fields


class MessageSerializer(serializers.ModelSerializer):
    author = SessionPersonSerializer(read_only=True)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = ["id", "author", "body", "created_at", "read"]
        read_only_fields = fields

    def get_read(self, message) -> bool:
        return message.read_at is not None


# --- input -----------------------------------------------------------------------


class SessionFilterSerializer(serializers.Serializer):
    when = serializers.ChoiceField(
        choices=["upcoming", "past", "all"],
        default="all",
        help_text="`upcoming`: not yet ended, soonest first; `past`: ended, latest first.",
    )


class SessionProposeSerializer(serializers.Serializer):
    mentorship = serializers.IntegerField(
        required=False, help_text="A session of this mentorship (you are its mentor or mentee)."
    )
    mentor = serializers.UUIDField(
        required=False, help_text="Or a flash session with this mentor (their public id)."
    )
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    agenda = serializers.CharField(max_length=AGENDA_MAX, required=False, allow_blank=True)
    topic = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Required for flash sessions."
    )

    def validate(self, data):
        if ("mentorship" in data) == ("mentor" in data):
            raise serializers.ValidationError("Give either a mentorship or a mentor, not both.")
        if data["ends_at"] <= data["starts_at"]:
            raise serializers.ValidationError({"ends_at": ["The end must be after the start."]})
        return data


class SessionRescheduleSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    agenda = serializers.CharField(max_length=AGENDA_MAX, required=False, allow_blank=True)

    def validate(self, data):
        if data["ends_at"] <= data["starts_at"]:
            raise serializers.ValidationError({"ends_at": ["The end must be after the start."]})
        return data


class SessionReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=REASON_MAX,
        required=False,
        allow_blank=True,
        help_text="The other person reads it.",
    )


class NoteCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=NOTE_MAX)
    private = serializers.BooleanField(
        default=False, help_text="Only you will ever see a private note."
    )


class FeedbackCreateSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=COMMENT_MAX, required=False, allow_blank=True)


class MessageCreateSerializer(serializers.Serializer):
    body = serializers.CharField(
        max_length=MESSAGE_MAX, help_text="Markdown, sanitised on display."
    )


# --- sessions ----------------------------------------------------------------------


def _session(request, pk: int) -> MentoringSession:
    return found(selectors.session_for_party(user=request.user, pk=pk))


def _session_answer(request, session) -> Response:
    fresh = selectors.session_for_party(user=request.user, pk=session.pk)
    return Response(SessionSerializer(fresh, context={"request": request}).data)


class SessionListView(ListAPIView):
    serializer_class = SessionSerializer
    ordering = ("-starts_at", "-id")

    def get_queryset(self):
        filters = input_checked(SessionFilterSerializer, self.request.query_params)
        user = self.request.user
        if filters["when"] == "upcoming":
            self.ordering = ("starts_at", "id")
            return selectors.sessions_upcoming(user=user)
        if filters["when"] == "past":
            return selectors.sessions_past(user=user)
        return selectors.sessions_for_user(user=user)

    @extend_schema(
        tags=["sessions"],
        parameters=[SessionFilterSerializer],
        responses={200: SessionSerializer(many=True), **error_responses(400)},
    )
    def get(self, request, *args, **kwargs):
        """Your sessions (as mentor or mentee); `?when=upcoming|past`."""
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["sessions"],
        request=SessionProposeSerializer,
        responses={201: SessionSerializer, **error_responses(400)},
    )
    def post(self, request):
        """Propose a session in a mentorship, or book a flash session with a mentor.

        The other person confirms, declines or proposes another time. Refusals
        (`not_party`, `mentorship_ended`, `no_flash`, `not_accepting`,
        `topic_required`, `busy`, `flash_limit`, times in the past...) are 400s.
        """
        data = input_checked(SessionProposeSerializer, request.data)
        if "mentorship" in data:
            mentorship = found(mentorship_for_party(user=request.user, pk=data["mentorship"]))
            counterpart = (
                mentorship.mentee if mentorship.mentor_id == request.user.pk else mentorship.mentor
            )
        else:
            mentorship = None
            profile = Profile.objects.filter(public_id=data["mentor"], user__is_active=True).first()
            # As the web's flash page: a profile the caller may not see is not there.
            if profile is None or profile.user_id == request.user.pk:
                found(None)
            found(profile_for_viewer(viewer=request.user, pk=profile.pk))
            counterpart = profile.user
        session = services.session_propose(
            by=request.user,
            counterpart=counterpart,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            mentorship=mentorship,
            agenda=data.get("agenda", ""),
            topic=data.get("topic", ""),
        )
        response = _session_answer(request, session)
        response.status_code = 201
        return response


class SessionDetailView(APIView):
    @extend_schema(tags=["sessions"], responses={200: SessionSerializer, **error_responses()})
    def get(self, request, pk: int):
        """One of your sessions, with what you may do with it now."""
        return _session_answer(request, _session(request, pk))


class SessionConfirmView(APIView):
    @extend_schema(
        tags=["sessions"], request=None, responses={200: SessionSerializer, **error_responses(400)}
    )
    def post(self, request, pk: int):
        """Confirm a time the other person proposed (`busy` if either of you is booked then)."""
        session = services.session_confirm(session=_session(request, pk), by=request.user)
        return _session_answer(request, session)


def _reason(request) -> str:
    """The optional reason of a decline or a cancel, checked by the web's form."""
    form = form_checked(ReasonForm(input_checked(SessionReasonSerializer, request.data)))
    return form.cleaned_data["reason"]


class SessionDeclineView(APIView):
    @extend_schema(
        tags=["sessions"],
        request=SessionReasonSerializer,
        responses={200: SessionSerializer, **error_responses(400)},
    )
    def post(self, request, pk: int):
        """Decline a proposed time, with an optional reason."""
        session = _session(request, pk)
        session = services.session_decline(
            session=session, by=request.user, reason=_reason(request)
        )
        return _session_answer(request, session)


class SessionCancelView(APIView):
    @extend_schema(
        tags=["sessions"],
        request=SessionReasonSerializer,
        responses={200: SessionSerializer, **error_responses(400)},
    )
    def post(self, request, pk: int):
        """Cancel a proposed or confirmed session (late if close to its start)."""
        session = _session(request, pk)
        session = services.session_cancel(session=session, by=request.user, reason=_reason(request))
        return _session_answer(request, session)


class SessionRescheduleView(APIView):
    @extend_schema(
        tags=["sessions"],
        request=SessionRescheduleSerializer,
        responses={201: SessionSerializer, **error_responses(400)},
    )
    def post(self, request, pk: int):
        """Answer a proposal with another time: it is declined and a new session proposed."""
        session = _session(request, pk)
        data = input_checked(SessionRescheduleSerializer, request.data)
        new = services.session_propose_another(
            session=session,
            by=request.user,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            agenda=data.get("agenda") or None,
        )
        response = _session_answer(request, new)
        response.status_code = 201
        return response


class SessionCalendarView(APIView):
    @extend_schema(
        tags=["sessions"],
        responses={
            (200, "text/calendar"): OpenApiResponse(OpenApiTypes.STR, description="iCalendar"),
            **error_responses(),
        },
    )
    def get(self, request, pk: int):
        """The session as an `.ics` file, in your time zone (as the web's calendar link)."""
        session = _session(request, pk)
        body = ical.calendar_for([session], viewer=request.user, name="Mentoring session")
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="session-{session.pk}.ics"'
        response["Cache-Control"] = "private, no-store"
        return response


# --- notes and feedback --------------------------------------------------------------


class SessionNoteListView(ListAPIView):
    serializer_class = NoteSerializer
    ordering = ("created_at", "id")

    def get_queryset(self):
        session = _session(self.request, self.kwargs["pk"])
        return selectors.notes_visible(session=session, user=self.request.user)

    @extend_schema(
        tags=["sessions"], responses={200: NoteSerializer(many=True), **error_responses()}
    )
    def get(self, request, *args, **kwargs):
        """The session's shared notes and your own private note (never the other's)."""
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["sessions"],
        request=NoteCreateSerializer,
        responses={201: NoteSerializer, **error_responses(400)},
    )
    def post(self, request, pk: int):
        """Add a note; `private: true` is seen by you alone (one private note per session)."""
        session = _session(request, pk)
        form = form_checked(NoteForm(input_checked(NoteCreateSerializer, request.data)))
        note = services.note_add(
            session=session,
            by=request.user,
            body=form.cleaned_data["body"],
            private=form.cleaned_data["private"],
        )
        return Response(NoteSerializer(note).data, status=201)


class SessionNoteDetailView(APIView):
    @extend_schema(tags=["sessions"], responses={204: None, **error_responses(400)})
    def delete(self, request, pk: int, note_pk: int):
        """Delete a note you wrote (anyone else's is a 404)."""
        session = _session(request, pk)
        note = selectors.note_for_author(user=request.user, pk=note_pk)
        if note is None or note.session_id != session.pk:
            found(None)
        services.note_delete(note=note, by=request.user)
        return Response(status=204)


class SessionFeedbackView(APIView):
    @extend_schema(tags=["sessions"], responses={200: FeedbackSerializer, **error_responses()})
    def get(self, request, pk: int):
        """The rating you left on this session (404 if none yet)."""
        session = _session(request, pk)
        return Response(
            FeedbackSerializer(
                found(selectors.feedback_by(session=session, user=request.user))
            ).data
        )

    @extend_schema(
        tags=["sessions"],
        request=FeedbackCreateSerializer,
        responses={201: FeedbackSerializer, **error_responses(400)},
    )
    def post(self, request, pk: int):
        """Rate a session after it ended (1–5, once); the other person sees it on their profile."""
        session = _session(request, pk)
        data = input_checked(FeedbackCreateSerializer, request.data)
        form = form_checked(
            FeedbackForm({"rating": data["rating"], "comment": data.get("comment", "")})
        )
        feedback = services.feedback_leave(
            session=session,
            by=request.user,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )
        return Response(FeedbackSerializer(feedback).data, status=201)


# --- messages ----------------------------------------------------------------------------


class _ThreadView(ListAPIView):
    """A thread's messages, oldest first; reading the list marks yours read, as the page does."""

    serializer_class = MessageSerializer
    ordering = ("created_at", "id")

    def thread_of(self) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def get_queryset(self):
        return selectors.thread_messages(**self.thread_of())

    def get(self, request, *args, **kwargs):
        thread = self.thread_of()
        response = super().get(request, *args, **kwargs)
        services.messages_mark_read(user=request.user, **thread)
        return response

    def post(self, request, *args, **kwargs):
        thread = self.thread_of()
        form = form_checked(MessageForm(input_checked(MessageCreateSerializer, request.data)))
        message = services.message_send(by=request.user, body=form.cleaned_data["body"], **thread)
        return Response(MessageSerializer(message).data, status=201)


class MentorshipMessageListView(_ThreadView):
    def thread_of(self) -> dict:
        mentorship = found(mentorship_for_party(user=self.request.user, pk=self.kwargs["pk"]))
        return {"mentorship": mentorship}

    @extend_schema(
        tags=["messages"], responses={200: MessageSerializer(many=True), **error_responses()}
    )
    def get(self, request, *args, **kwargs):
        """Messages of a mentorship you are in, oldest first (marks yours read)."""
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["messages"],
        request=MessageCreateSerializer,
        responses={201: MessageSerializer, **error_responses(400)},
    )
    def post(self, request, *args, **kwargs):
        """Write to the mentorship's thread (refused once either of you blocked the other)."""
        return super().post(request, *args, **kwargs)


class SessionMessageListView(_ThreadView):
    def thread_of(self) -> dict:
        session = _session(self.request, self.kwargs["pk"])
        if session.mentorship_id:
            found(None)  # a mentorship's sessions share the mentorship's thread
        return {"session": session}

    @extend_schema(
        tags=["messages"], responses={200: MessageSerializer(many=True), **error_responses()}
    )
    def get(self, request, *args, **kwargs):
        """Messages of a flash session, oldest first (marks yours read)."""
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["messages"],
        request=MessageCreateSerializer,
        responses={201: MessageSerializer, **error_responses(400)},
    )
    def post(self, request, *args, **kwargs):
        """Write to a flash session's thread."""
        return super().post(request, *args, **kwargs)
