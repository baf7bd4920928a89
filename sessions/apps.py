from django.apps import AppConfig


class MentoringSessionsConfig(AppConfig):
    """Mentoring sessions, booking, notes and feedback.

    The label is ``mentoring_sessions`` because ``django.contrib.sessions``
    already owns the label ``sessions``; it was set before the first
    migration and must never change.
    """

    name = "sessions"
    label = "mentoring_sessions"
    verbose_name = "Mentoring sessions"
