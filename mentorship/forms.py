"""The project's form bases: every form of every app derives from these.

They strip control characters from every submitted text value (line breaks
only from single-line fields; passwords are left as typed) after the fields
are cleaned, so a service
never stores a vertical tab, an escape sequence or a newline in a name
(``mentorship.text.clean_text``). NUL never gets this far: the middleware
answers 400 (``mentorship.middleware.RejectControlCharactersMiddleware``).
tests/mentorship/test_text_limits.py checks that every project form derives
from ``TextCleaningMixin`` and bounds the length of every text field.
"""

from __future__ import annotations

from django import forms

from .text import clean_text


class TextCleaningMixin:
    def _clean_fields(self):
        super()._clean_fields()
        for name, value in list(self.cleaned_data.items()):
            field = self.fields.get(name)
            # A password is checked against its hash exactly as typed.
            if field is None or isinstance(field.widget, forms.PasswordInput):
                continue
            if isinstance(value, str):
                multiline = isinstance(field.widget, forms.Textarea)
                self.cleaned_data[name] = clean_text(value, multiline=multiline)


class Form(TextCleaningMixin, forms.Form):
    pass


class ModelForm(TextCleaningMixin, forms.ModelForm):
    pass
