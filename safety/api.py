"""REST endpoints of trust and safety: blocks and reports; the moderators' report queue.

Content is named as the web's "⋯" menu names it: ``content`` (the registry
key, e.g. ``profiles.profile``, ``sessions.message``) and ``id`` (its lookup:
a profile's public id, else the row id). Only content the caller can see is
found (anything else is a 404), the same services write, and a refusal is a
400 with its code. Moderator endpoints need the moderator role's permission
(``safety.moderate``; suspending also ``safety.suspend_user``); for anyone
else they do not exist (404), as on the web.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from mentorship.api import ListAPIView, error_responses, form_checked, found, input_checked
from profiles.selectors import person_name

from . import selectors, services
from .forms import DismissForm, ReasonForm, ReportForm, SuspendForm
from .models import Block, Report, ReportReason

MODERATE = "safety.moderate"

# --- output ----------------------------------------------------------------------


class SafetyPersonSerializer(serializers.Serializer):
    public_id = serializers.UUIDField(source="profile.public_id", default=None, allow_null=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return person_name(user)


class BlockSerializer(serializers.ModelSerializer):
    person = SafetyPersonSerializer(source="blocked", read_only=True)

    class Meta:
        model = Block
        fields = ["id", "person", "source", "created_at"]
        read_only_fields = fields


class MyReportSerializer(serializers.ModelSerializer):
    """A report as its reporter sees it (what happened to it, not who handled it)."""

    class Meta:
        model = Report
        fields = ["id", "kind", "reason", "details", "status", "created_at", "handled_at"]
        read_only_fields = fields


class QueueReportSerializer(serializers.ModelSerializer):
    """A report as moderators see it: the content as it was when reported, and its thread."""

    about = SafetyPersonSerializer(source="target_user", read_only=True, allow_null=True)
    reporter = SafetyPersonSerializer(read_only=True, allow_null=True)
    content = serializers.SerializerMethodField()
    thread = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "kind",
            "reason",
            "details",
            "status",
            "resolution",
            "about",
            "reporter",
            "content",
            "thread",
            "created_at",
            "handled_at",
        ]
        read_only_fields = fields

    def get_content(self, report) -> dict:
        return (report.snapshot or {}).get("content", {})

    def get_thread(self, report) -> list[dict]:
        return (report.snapshot or {}).get("context", [])


# --- input -----------------------------------------------------------------------


class ContentRefSerializer(serializers.Serializer):
    content = serializers.CharField(
        max_length=100, help_text="What it is: `profiles.profile`, `sessions.message`, …"
    )
    id = serializers.CharField(max_length=64, help_text="Its id (a profile's public id).")


class ReportCreateSerializer(ContentRefSerializer):
    reason = serializers.ChoiceField(choices=ReportReason.choices)
    details = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ModeratorReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, help_text="The person reads it.")


class DismissSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class SuspendSerializer(ModeratorReasonSerializer):
    ends_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Empty: until a moderator lifts it."
    )


# --- members: blocks and reports ---------------------------------------------------


def _content(request, data):
    return found(
        selectors.content_for_viewer(key=data["content"], lookup=data["id"], viewer=request.user)
    )


class BlockListView(ListAPIView):
    serializer_class = BlockSerializer
    ordering = ("-created_at", "-id")

    def get_queryset(self):
        return selectors.blocks_made_by(user=self.request.user).select_related("blocked__profile")

    @extend_schema(
        tags=["safety"], responses={200: BlockSerializer(many=True), **error_responses()}
    )
    def get(self, request, *args, **kwargs):
        """The people you blocked."""
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["safety"],
        request=ContentRefSerializer,
        responses={201: BlockSerializer, **error_responses(400)},
    )
    def post(self, request):
        """Block the person behind content you can see (a profile, a message…).

        Works at once and both ways: pending requests, active mentorships,
        suggestions and upcoming sessions between you end.
        """
        entry, obj = _content(request, input_checked(ContentRefSerializer, request.data))
        person = entry.author(obj)
        if person is None or person.pk == request.user.pk:
            found(None)
        block = services.block_create(
            blocker=request.user, blocked=person, source=entry.block_source, request=request
        )
        return Response(BlockSerializer(block).data, status=201)


class BlockDetailView(APIView):
    @extend_schema(tags=["safety"], responses={204: None, **error_responses(400)})
    def delete(self, request, pk: int):
        """Unblock (only a block you made; nothing that ended comes back)."""
        block = found(selectors.blocks_made_by(user=request.user).filter(pk=pk).first())
        services.block_remove(blocker=request.user, block=block, request=request)
        return Response(status=204)


class ReportListView(ListAPIView):
    serializer_class = MyReportSerializer
    ordering = ("-created_at", "-id")

    def get_queryset(self):
        return selectors.reports_by(reporter=self.request.user)

    @extend_schema(
        tags=["safety"], responses={200: MyReportSerializer(many=True), **error_responses()}
    )
    def get(self, request, *args, **kwargs):
        """Reports you filed, and what became of them."""
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["safety"],
        request=ReportCreateSerializer,
        responses={201: MyReportSerializer, **error_responses(400)},
    )
    def post(self, request):
        """Report content you can see to the moderators (the person is not told who)."""
        data = input_checked(ReportCreateSerializer, request.data)
        entry, obj = _content(request, data)
        form = form_checked(
            ReportForm({"reason": data["reason"], "details": data.get("details", "")})
        )
        report = services.report_create(
            reporter=request.user,
            target=obj,
            reason=form.cleaned_data["reason"],
            details=form.cleaned_data["details"],
            request=request,
        )
        return Response(MyReportSerializer(report).data, status=201)


# --- moderators ------------------------------------------------------------------------


class IsModerator(permissions.BasePermission):
    """The moderator role's permission; for anyone else the endpoint does not exist (404)."""

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if not (user.is_active and user.is_staff and user.has_perm(MODERATE)):
            raise exceptions.NotFound("Not found.")
        return True


MODERATOR_PERMISSIONS = [*APIView.permission_classes, IsModerator]


def _report(pk: int) -> Report:
    return found(selectors.report_for_moderator(pk=pk))


def _queue_answer(pk: int) -> Response:
    return Response(QueueReportSerializer(_report(pk)).data)


class ModerationQueueView(ListAPIView):
    permission_classes = MODERATOR_PERMISSIONS
    serializer_class = QueueReportSerializer
    ordering = ("created_at", "id")

    def get_queryset(self):
        return selectors.reports_open()

    @extend_schema(
        tags=["moderation"],
        responses={200: QueueReportSerializer(many=True), **error_responses()},
    )
    def get(self, request, *args, **kwargs):
        """Open reports, oldest first (moderators)."""
        return super().get(request, *args, **kwargs)


class ModerationReportView(APIView):
    permission_classes = MODERATOR_PERMISSIONS

    @extend_schema(tags=["moderation"], responses={200: QueueReportSerializer, **error_responses()})
    def get(self, request, pk: int):
        """One report, open or handled."""
        return _queue_answer(pk)


class _ModerationAction(APIView):
    permission_classes = MODERATOR_PERMISSIONS


class ModerationHideView(_ModerationAction):
    @extend_schema(
        tags=["moderation"],
        request=ModeratorReasonSerializer,
        responses={200: QueueReportSerializer, **error_responses(400)},
    )
    def post(self, request, pk: int):
        """Hide the reported content from everyone but its author, who is told why."""
        report = _report(pk)
        form = form_checked(ReasonForm(input_checked(ModeratorReasonSerializer, request.data)))
        services.content_hide(
            moderator=request.user,
            report=report,
            reason=form.cleaned_data["reason"],
            request=request,
        )
        return _queue_answer(pk)


class ModerationRestoreView(_ModerationAction):
    @extend_schema(
        tags=["moderation"],
        request=None,
        responses={200: QueueReportSerializer, **error_responses(400)},
    )
    def post(self, request, pk: int):
        """Show hidden content again."""
        services.content_restore(moderator=request.user, report=_report(pk), request=request)
        return _queue_answer(pk)


def _about(report: Report):
    if report.target_user_id is None:
        raise exceptions.ValidationError({"__all__": ["This report is about nobody any more."]})
    return report.target_user


class ModerationDismissView(_ModerationAction):
    @extend_schema(
        tags=["moderation"],
        request=DismissSerializer,
        responses={
            200: inline_serializer("Dismissed", {"dismissed": serializers.IntegerField()}),
            **error_responses(400),
        },
    )
    def post(self, request, pk: int):
        """Dismiss every open report about this report's person (each reporter is told)."""
        report = _report(pk)
        form = form_checked(DismissForm(input_checked(DismissSerializer, request.data)))
        closed = services.report_group_dismiss(
            moderator=request.user,
            target_user_id=_about(report).pk,
            note=form.cleaned_data["note"],
            request=request,
        )
        return Response({"dismissed": closed})


class ModerationWarnView(_ModerationAction):
    @extend_schema(
        tags=["moderation"],
        request=ModeratorReasonSerializer,
        responses={200: QueueReportSerializer, **error_responses(400)},
    )
    def post(self, request, pk: int):
        """Warn the reported person (they read the reason)."""
        report = _report(pk)
        form = form_checked(ReasonForm(input_checked(ModeratorReasonSerializer, request.data)))
        services.warning_create(
            moderator=request.user,
            user=_about(report),
            reason=form.cleaned_data["reason"],
            request=request,
        )
        return _queue_answer(pk)


class ModerationSuspendView(_ModerationAction):
    @extend_schema(
        tags=["moderation"],
        request=SuspendSerializer,
        responses={200: QueueReportSerializer, **error_responses(400)},
    )
    def post(self, request, pk: int):
        """Suspend the reported person (needs `safety.suspend_user`): signed out, tokens stop."""
        report = _report(pk)
        data = input_checked(SuspendSerializer, request.data)
        form = form_checked(SuspendForm({"reason": data["reason"]}))
        services.suspension_create(
            moderator=request.user,
            user=_about(report),
            reason=form.cleaned_data["reason"],
            ends_at=data.get("ends_at"),
            request=request,
        )
        return _queue_answer(pk)
