"""Admin views of safety rows. The audit log is read-only for everyone, superusers included."""

from django.contrib import admin

from .models import AuditLog, Block, MentorReview, Report, Suspension, Warning


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "action", "actor_id", "target_type", "target_id", "ip_address")
    list_filter = ("action",)
    search_fields = ("summary", "target_id")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("pk", "kind", "reason", "status", "target_user", "created_at")
    list_filter = ("status", "reason", "kind")
    raw_id_fields = ("reporter", "target_user", "handled_by")
    readonly_fields = ("snapshot", "content_type", "object_id")


@admin.register(Suspension)
class SuspensionAdmin(admin.ModelAdmin):
    list_display = ("user", "starts_at", "ends_at", "lifted_at", "created_by")
    raw_id_fields = ("user", "created_by", "lifted_by")

    def has_change_permission(self, request, obj=None):
        return False  # suspend and lift through the moderation pages (audited, notified)

    def has_add_permission(self, request):
        return False


@admin.register(Warning)
class WarningAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "created_by")
    raw_id_fields = ("user", "report", "created_by")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(MentorReview)
class MentorReviewAdmin(admin.ModelAdmin):
    list_display = ("user", "status", "decided_by", "decided_at")
    raw_id_fields = ("user", "decided_by")


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ("blocker", "blocked", "source", "created_at")
    raw_id_fields = ("blocker", "blocked")

    def has_change_permission(self, request, obj=None):
        return False
