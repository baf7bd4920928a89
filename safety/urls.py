from django.urls import path

from . import views, views_staff

app_name = "safety"

urlpatterns = [
    path("safety/report/", views.report_create, name="report_create"),
    path("safety/block/", views.block_confirm, name="block_confirm"),
    path("safety/blocked/", views.block_list, name="blocks"),
    path("safety/blocked/<int:pk>/unblock/", views.block_remove, name="block_remove"),
    path("safety/reports/", views.reports_mine, name="reports_mine"),
    # Staff: the moderation queue and the audit log.
    path("safety/staff/", views_staff.queue, name="staff_queue"),
    path("safety/staff/people/<int:user_id>/", views_staff.case, name="staff_case"),
    path(
        "safety/staff/people/<int:user_id>/dismiss/",
        views_staff.case_dismiss,
        name="staff_case_dismiss",
    ),
    path("safety/staff/people/<int:user_id>/warn/", views_staff.case_warn, name="staff_case_warn"),
    path(
        "safety/staff/people/<int:user_id>/suspend/",
        views_staff.case_suspend,
        name="staff_case_suspend",
    ),
    path("safety/staff/reports/<int:pk>/hide/", views_staff.report_hide, name="staff_report_hide"),
    path(
        "safety/staff/reports/<int:pk>/restore/",
        views_staff.report_restore,
        name="staff_report_restore",
    ),
    path("safety/staff/suspensions/", views_staff.suspension_list, name="staff_suspensions"),
    path(
        "safety/staff/suspensions/<int:pk>/lift/",
        views_staff.suspension_lift,
        name="staff_suspension_lift",
    ),
    path(
        "safety/staff/mentors/<int:user_id>/review/",
        views_staff.mentor_review,
        name="staff_mentor_review",
    ),
    path("safety/staff/audit/", views_staff.audit_log, name="staff_audit"),
    path("safety/staff/audit.csv", views_staff.audit_log_csv, name="staff_audit_csv"),
]
