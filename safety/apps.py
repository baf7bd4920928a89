from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "safety"
    verbose_name = "Trust and safety"

    def ready(self) -> None:
        from allauth.mfa import signals as mfa_signals
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from mentorship import access
        from profiles import signals as profile_signals
        from profiles.visibility import register_hidden_people

        from . import content, dashboard, personal_data, receivers, selectors  # noqa: F401
        from .services import events

        content.register()
        events.register_event_kinds()
        # Tokens and SCIM act as their owner: a suspended owner's stop on the next request,
        # and the API's programme-manager pages need the role's permission, as the web's.
        access.register_account_check(lambda user: not selectors.is_suspended(user))
        access.set_programme_manager_check(
            lambda user: user.is_staff and user.has_perm("matching.view_matchingconfig")
        )
        personal_data.register()
        register_hidden_people(selectors.hidden_people_ids)
        user_logged_in.connect(receivers.on_logged_in, dispatch_uid="safety.audit.login")
        user_login_failed.connect(receivers.on_login_failed, dispatch_uid="safety.audit.failed")
        mfa_signals.authenticator_added.connect(receivers.on_mfa_added, dispatch_uid="safety.mfa+")
        mfa_signals.authenticator_removed.connect(
            receivers.on_mfa_removed, dispatch_uid="safety.mfa-"
        )
        mfa_signals.authentication_failed.connect(
            receivers.on_mfa_failed, dispatch_uid="safety.mfa.failed"
        )
        mfa_signals.authenticator_reset.connect(receivers.on_mfa_reset, dispatch_uid="safety.mfa~")
        profile_signals.personal_data_exported.connect(
            receivers.on_data_exported, dispatch_uid="safety.audit.export"
        )
        profile_signals.account_deleted.connect(
            receivers.on_account_deleted, dispatch_uid="safety.audit.deleted"
        )
