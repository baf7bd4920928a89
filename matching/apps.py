from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        from profiles.signals import profile_changed

        from . import (  # noqa: F401 - dashboard registers its panels
            dashboard,
            personal_data,
            receivers,
            safety_hooks,
        )

        profile_changed.connect(receivers.on_profile_changed, dispatch_uid="matching.rescore")
        safety_hooks.register()
        personal_data.register()
