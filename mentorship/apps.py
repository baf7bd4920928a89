from django.apps import AppConfig


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = "Mentorship platform"

    def ready(self) -> None:
        from . import receivers
        from .signals import webhook_deliveries_created

        webhook_deliveries_created.connect(
            receivers.on_webhook_deliveries_created, dispatch_uid="mentorship.webhooks.send"
        )
