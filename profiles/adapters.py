from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """allauth customised in one place (cookiecutter-django habit).

    Emails are stored lower-case so that ``Ann@x.org`` and ``ann@x.org`` are
    one account.
    """

    def clean_email(self, email: str) -> str:
        return super().clean_email(email).strip().lower()
