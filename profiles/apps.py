from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "Profiles"

    def ready(self) -> None:
        from mentorship.dashboard import register_panel

        from .views.profile import completeness_panel

        register_panel(completeness_panel)
