"""The form renderer: built-in widgets through Jinja2, the same markup as Django's own."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from mentorship.form_renderer import FastWidgetsRenderer


class Everything(forms.Form):
    name = forms.CharField(max_length=20, help_text="Your name")
    bio = forms.CharField(widget=forms.Textarea)
    level = forms.ChoiceField(choices=[("1", "One"), ("2", "Two & <three>")])
    langs = forms.MultipleChoiceField(choices=[("en", "English"), ("fr", "French")])
    pick = forms.ChoiceField(widget=forms.RadioSelect, choices=[("a", "A"), ("b", "B")])
    many = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, choices=[("x", "X"), ("y", "Y")]
    )
    agree = forms.BooleanField()
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    upload = forms.ImageField(required=False)


def _normalised(html: str) -> str:
    return " ".join(html.split()).replace("> <", "><")


@pytest.mark.parametrize("data", [None, {"name": "<b>x</b>", "level": "2", "langs": ["fr"]}])
def test_every_built_in_widget_renders_as_djangos_own(data):
    fast = Everything(data, renderer=FastWidgetsRenderer())
    slow = Everything(data, renderer=DjangoTemplates())
    for name in fast.fields:
        assert _normalised(str(fast[name])) == _normalised(str(slow[name])), name
    if data:
        assert "&lt;b&gt;x&lt;/b&gt;" in str(fast["name"])  # escaped, not markup


@pytest.mark.django_db
def test_admin_widgets_still_render(admin_client):
    response = admin_client.get("/admin/profiles/profile/add/")
    assert response.status_code == 200
    assert "related-widget-wrapper" in response.content.decode()
