"""Django admin for the community: read-only rows, hiding through the services.

Questions, answers and routes are written by the product's services (routing,
notifications, the weekly limit); staff look, and may hide a question or an
answer (the moderation the safety app will bring with reports and reasons).
"""

from django.contrib import admin, messages

from . import services
from .models import Answer, HelpfulMark, Question, QuestionPreference, QuestionRoute, RoutingWeek

HIDDEN_BY_STAFF = "Hidden by the programme team."


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Question)
class QuestionAdmin(ReadOnly):
    list_display = ["title", "author", "created_at", "routed_at", "is_hidden"]
    list_filter = ["is_hidden"]
    search_fields = ["title", "author__email"]
    actions = ["hide"]

    @admin.action(description="Hide from members (moderation)")
    def hide(self, request, queryset):
        for question in queryset:
            services.question_hide(question=question, reason=HIDDEN_BY_STAFF)
        messages.success(request, f"Hid {queryset.count()} question(s).")


@admin.register(Answer)
class AnswerAdmin(ReadOnly):
    list_display = ["question", "author", "created_at", "is_accepted", "is_hidden"]
    list_filter = ["is_hidden", "is_accepted"]
    search_fields = ["question__title", "author__email"]
    actions = ["hide"]

    @admin.action(description="Hide from members (moderation)")
    def hide(self, request, queryset):
        for answer in queryset:
            services.answer_hide(answer=answer, reason=HIDDEN_BY_STAFF)
        messages.success(request, f"Hid {queryset.count()} answer(s).")


@admin.register(QuestionRoute)
class QuestionRouteAdmin(ReadOnly):
    list_display = ["question", "mentor", "rank", "score", "week_start"]


@admin.register(RoutingWeek)
class RoutingWeekAdmin(ReadOnly):
    list_display = ["mentor", "week_start", "routed"]


@admin.register(QuestionPreference)
class QuestionPreferenceAdmin(ReadOnly):
    list_display = ["user", "weekly_limit", "updated_at"]


@admin.register(HelpfulMark)
class HelpfulMarkAdmin(ReadOnly):
    list_display = ["answer", "user", "created_at"]
