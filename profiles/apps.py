from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "Profiles"

    def ready(self) -> None:
        from allauth.account import signals as account_signals
        from allauth.mfa import signals as mfa_signals
        from django.contrib.auth.signals import user_logged_in, user_logged_out
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from mentorship.dashboard import register_panel

        from . import receivers
        from .views.profile import completeness_panel

        register_panel(completeness_panel)
        from .directory_selectors import directory_changed
        from .models import Profile, ProfileSkill, User

        for model in (Profile, ProfileSkill, User):
            for signal in (post_save, post_delete):
                signal.connect(
                    directory_changed, sender=model, dispatch_uid=f"profiles.directory.{model}"
                )
        m2m_changed.connect(
            directory_changed,
            sender=Profile.languages.through,
            dispatch_uid="profiles.directory.languages",
        )
        user_logged_in.connect(receivers.on_logged_in, dispatch_uid="profiles.sessions.login")
        user_logged_out.connect(receivers.on_logged_out, dispatch_uid="profiles.sessions.logout")
        for signal in (
            account_signals.password_changed,
            account_signals.password_set,
            account_signals.password_reset,
        ):
            signal.connect(receivers.on_password_changed, dispatch_uid="profiles.sessions.pw")
        for signal in (
            mfa_signals.authenticator_added,
            mfa_signals.authenticator_removed,
            mfa_signals.authenticator_reset,
        ):
            signal.connect(receivers.on_authenticator_changed, dispatch_uid="profiles.sessions.mfa")
