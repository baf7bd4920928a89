"""Template helpers for rendering Django forms with Bootstrap 5.

Used by ``templates/includes/_field.html`` (and so by every form on the site,
including allauth's). Templates cannot pass attributes to a widget, and the
project deliberately has no form-rendering dependency, so the few lines that
pick a Bootstrap class per widget type live here.
"""

from django import forms, template

register = template.Library()

_CHOICE_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


@register.filter
def widget_kind(bound_field) -> str:
    """One word describing how ``_field.html`` lays the field out."""
    widget = bound_field.field.widget
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, _CHOICE_WIDGETS):
        return "choices"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "select"
    return "input"


@register.simple_tag
def bootstrap_widget(bound_field, extra_class: str = ""):
    """Render the field's widget with Bootstrap classes and ARIA links.

    ``aria-describedby`` points at the help text and the error list that
    ``_field.html`` renders with ids ``<id>_help`` and ``<id>_errors``.
    """
    widget = bound_field.field.widget
    kind = widget_kind(bound_field)
    if kind == "checkbox":
        css = "form-check-input"
    elif kind == "select":
        css = "form-select"
    elif getattr(widget, "input_type", "") == "range":
        css = "form-range"
    elif getattr(widget, "input_type", "") == "color":
        css = "form-control form-control-color"
    else:
        css = "form-control"
    existing = widget.attrs.get("class", "")
    classes = [c for c in (existing, css, extra_class) if c]
    attrs: dict[str, str] = {}
    described_by = []
    if bound_field.help_text:
        described_by.append(f"{bound_field.auto_id}_help")
    if bound_field.errors:
        classes.append("is-invalid")
        attrs["aria-invalid"] = "true"
        described_by.append(f"{bound_field.auto_id}_errors")
    attrs["class"] = " ".join(classes)
    if described_by and bound_field.auto_id:
        attrs["aria-describedby"] = " ".join(described_by)
    return bound_field.as_widget(attrs=attrs)
