from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        from mentorship.dashboard import register_panel
        from mentorship.notifications import register_notification_kind
        from profiles import hooks

        from . import demo, panels, safety_hooks

        safety_hooks.register()

        hooks.register_profile_panel(panels.trust_signals_panel)
        register_panel(panels.asked_of_you_panel)
        register_panel(panels.programme_panel)
        hooks.register_demo_seeder(demo.demo_questions_seed)
        register_notification_kind("question_routed", "A question is put to you", group="Community")
        register_notification_kind(
            "question_answered", "An answer to your question", group="Community"
        )
        register_notification_kind("answer_accepted", "Your answer was accepted", group="Community")
