"""allauth forms, extended where a way in needs more than allauth gives.

``ACCOUNT_FORMS`` in the settings points allauth at these.
"""

from __future__ import annotations

import copy

from allauth.account.adapter import get_adapter
from allauth.account.forms import ConfirmLoginCodeForm as AllauthConfirmLoginCodeForm
from allauth.core import context
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from mentorship.sign_in_limits import SignInThrottled, address_key, limited_sign_in

#: Codes are a few characters; anything longer is refused before it is compared.
CODE_MAX = 20


def _bounded(field, limit: int):
    """A copy of allauth's field with a length limit (the original stays as it is)."""
    field = copy.deepcopy(field)
    field.max_length = limit
    field.validators.append(MaxLengthValidator(limit))
    field.widget.attrs["maxlength"] = str(limit)
    return field


class ConfirmLoginCodeForm(AllauthConfirmLoginCodeForm):
    """A wrong sign-in code counts as a failed sign-in of that address.

    allauth allows a few tries per code and a few codes per minute; on top of
    that, codes and passwords share one ``login_failed`` budget per address
    (see :mod:`mentorship.sign_in_limits`), so once it is spent even the right
    code is refused until the window passes.
    """

    code = _bounded(AllauthConfirmLoginCodeForm.base_fields["code"], CODE_MAX)

    def clean_code(self) -> str:
        request = context.request
        stage = getattr(request, "_login_stage", None)
        email = (stage.state.get("email") if stage is not None else None) or ""

        def attempt():
            try:
                return super(ConfirmLoginCodeForm, self).clean_code()
            except ValidationError as error:
                self._wrong_code = error
                return None

        self._wrong_code = None
        try:
            code = limited_sign_in(request, key=address_key(request, email), attempt=attempt)
        except SignInThrottled:
            raise get_adapter().validation_error("too_many_login_attempts") from None
        if code is None:
            raise self._wrong_code
        return code
