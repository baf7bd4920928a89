from django.contrib import admin

from .models import (
    CalendarFeed,
    MentoringSession,
    MentorSessionSettings,
    Message,
    SessionFeedback,
    StaffFlag,
)


@admin.register(MentoringSession)
class MentoringSessionAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "mentor", "mentee", "starts_at", "status", "cancelled_late"]
    list_filter = ["status", "kind", "cancelled_late"]
    search_fields = ["mentor__email", "mentee__email"]
    raw_id_fields = [
        "mentorship",
        "mentor",
        "mentee",
        "proposed_by",
        "replaces",
        "cancelled_by",
        "no_show_user",
    ]
    date_hierarchy = "starts_at"
    # Agenda and notes are the two people's; staff see state, not content.
    exclude = ["agenda"]
    readonly_fields = ["sequence", "created_at", "updated_at"]


@admin.register(SessionFeedback)
class SessionFeedbackAdmin(admin.ModelAdmin):
    list_display = ["session", "author", "subject", "rating", "created_at"]
    list_filter = ["rating"]
    raw_id_fields = ["session", "author", "subject"]


@admin.register(StaffFlag)
class StaffFlagAdmin(admin.ModelAdmin):
    list_display = ["kind", "session", "reported_by", "about", "created_at", "resolved_at"]
    list_filter = ["kind", "resolved_at"]
    raw_id_fields = ["session", "reported_by", "about", "resolved_by"]


@admin.register(MentorSessionSettings)
class MentorSessionSettingsAdmin(admin.ModelAdmin):
    list_display = ["mentor", "flash_monthly_limit", "meeting_link"]
    raw_id_fields = ["mentor"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Metadata only: message bodies are private to the two people."""

    list_display = ["id", "author", "recipient", "created_at", "read_at", "notified_at"]
    fields = ["author", "recipient", "created_at", "read_at", "notified_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "last_fetched_at"]
    fields = ["user", "created_at", "last_fetched_at"]
    readonly_fields = fields
