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

    def ready(self) -> None:
        from matching import hooks as matching_hooks
        from mentorship.dashboard import register_panel
        from profiles import hooks as profile_hooks
        from safety import hooks as safety_hooks

        from . import demo, extensions, personal_data, reportable, selectors, views_workspace
        from .services import events
        from .services import safety as session_safety

        matching_hooks.register_mentorship_page(views_workspace.workspace_page)
        matching_hooks.register_reliability_source(selectors.reliability_counts)
        matching_hooks.register_suggestion_action(extensions.flash_suggestion_action)
        profile_hooks.register_profile_section(extensions.profile_section)
        profile_hooks.register_demo_filler(demo.demo_sessions_seed)
        register_panel(extensions.sessions_panel)
        reportable.register()
        events.register_event_kinds()
        personal_data.register()
        safety_hooks.register_block_receiver(session_safety.sessions_end_on_block)
        safety_hooks.register_suspension_receiver(session_safety.sessions_end_on_suspension)
