from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "Profiles"

    def ready(self) -> None:
        from allauth.account import signals as account_signals
        from allauth.mfa import signals as mfa_signals
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from mentorship.dashboard import register_panel

        from . import receivers
        from .views.profile import completeness_panel

        register_panel(completeness_panel)
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
