from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = "Mentorship platform"

    def ready(self) -> None:
        from .site import site_sync

        post_migrate.connect(site_sync, sender=self, dispatch_uid="mentorship.site_sync")
