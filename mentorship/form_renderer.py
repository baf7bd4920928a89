"""The form renderer: Django's built-in widgets through Jinja2, everything else as before.

Django renders every widget, and every ``<option>`` of a select, from a small
template; with the Django template engine a directory page's filter selects
took a third of the page. Django ships the same widget templates for Jinja2
(``django/forms/jinja2``), which render the same markup several times faster.
Only those go through Jinja2: form and field layouts, and widgets with
templates of their own (the admin's, for one), are Django templates as before.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates, Jinja2
from django.utils.functional import cached_property

BUILT_IN_WIDGETS = "django/forms/widgets/"


class FastWidgetsRenderer(DjangoTemplates):
    @cached_property
    def widgets(self) -> Jinja2:
        return Jinja2()

    def get_template(self, template_name):
        if template_name.startswith(BUILT_IN_WIDGETS):
            return self.widgets.get_template(template_name)
        return super().get_template(template_name)
