from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = "Mentorship platform"

    def ready(self) -> None:
        from .site import site_sync

        post_migrate.connect(site_sync, sender=self, dispatch_uid="mentorship.site_sync")
        from . import receivers
        from .signals import webhook_deliveries_created

        webhook_deliveries_created.connect(
            receivers.on_webhook_deliveries_created, dispatch_uid="mentorship.webhooks.send"
        )
