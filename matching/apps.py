from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        from profiles.signals import profile_changed

        from . import receivers

        profile_changed.connect(receivers.on_profile_changed, dispatch_uid="matching.rescore")
