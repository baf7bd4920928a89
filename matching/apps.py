from django.apps import AppConfig


class MatchingAppConfig(AppConfig):
    """The matching app (the model ``MatchingConfig`` holds the programme's settings)."""

    name = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        from profiles import hooks
        from profiles.signals import profile_changed

        from . import (  # noqa: F401 - dashboard and staff_panel register their panels
            dashboard,
            notification_kinds,
            personal_data,
            profile_panels,
            receivers,
            safety_hooks,
            selectors,
            staff_panel,
        )

        profile_changed.connect(receivers.on_profile_changed, dispatch_uid="matching.rescore")
        hooks.register_places_taken(selectors.places_taken_subquery)
        hooks.register_match_check(selectors.users_are_matched)
        hooks.register_profile_panel(profile_panels.response_rate_panel)
        hooks.register_profile_panel(profile_panels.request_panel)
        safety_hooks.register()
        personal_data.register()
        notification_kinds.register()

        from .services.events import register_event_kinds

        register_event_kinds()
        hooks.register_bulk_changes(receivers.rescores_batched)
