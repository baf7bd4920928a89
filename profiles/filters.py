"""The mentor directory's filters (django-filter).

Every filter reads from the GET query string, so a filtered directory is a
plain link that can be bookmarked and works without JavaScript. Invalid
values (an unknown language, a negative number of hours) are shown as field
errors and that filter is ignored; the others still apply.
"""

import django_filters
from django import forms
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .directory_selectors import (
    available_now_q,
    directory_industries,
    directory_languages,
    skills_matching_term,
    timezones_overlapping,
)
from .models import ProfileSkill

OVERLAP_CHOICES = [
    ("2", "At least 2 hours a day"),
    ("4", "At least 4 hours a day"),
    ("6", "At least 6 hours a day"),
    ("8", "Same working hours"),
]
FORMAT_CHOICES = [("flash", "One-hour flash session"), ("long_term", "Long-term mentorship")]
# How the list can be ordered; name order (the selector's) is the default.
SORT_ORDERS = {
    "places": ("-free_places", "sort_name", "pk"),
    "experience": ("-years_experience", "sort_name", "pk"),
    "newest": ("-onboarded_at", "pk"),
}
SORT_CHOICES = [
    ("places", "Most free places first"),
    ("experience", "Most experienced first"),
    ("newest", "Newest mentors first"),
]


class MentorDirectoryFilter(django_filters.FilterSet):
    """Filters over :func:`profiles.directory_selectors.directory_mentors`.

    ``viewer_timezone`` (keyword) is the zone the overlap filter compares
    against: the viewer's profile time zone.
    """

    q = django_filters.CharFilter(
        label="Search",
        method="filter_text",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name, headline, job"}),
    )
    skill = django_filters.CharFilter(
        label="Skill",
        method="filter_skill",
        widget=forms.TextInput(
            attrs={"placeholder": "e.g. Python, JS, leadership", "list": "skill-options"}
        ),
    )
    industry = django_filters.ChoiceFilter(label="Industry", empty_label="Any industry")
    language = django_filters.ModelChoiceFilter(
        label="Language",
        queryset=directory_languages(),
        to_field_name="code",
        empty_label="Any language",
        method="filter_language",
    )
    overlap = django_filters.ChoiceFilter(
        label="Working-hours overlap with me",
        choices=OVERLAP_CHOICES,
        empty_label="Any time zone",
        method="filter_overlap",
    )
    format = django_filters.ChoiceFilter(
        label="Format", choices=FORMAT_CHOICES, empty_label="Any format", method="filter_format"
    )
    available = django_filters.BooleanFilter(
        label="Has capacity now",
        method="filter_available",
        widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by", choices=SORT_CHOICES, empty_label="Name (A–Z)", method="filter_sort"
    )

    class Meta:
        fields = ["q", "skill", "industry", "language", "overlap", "format", "available", "sort"]

    def __init__(self, *args, viewer_timezone: str = "UTC", **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer_timezone = viewer_timezone
        self.filters["industry"].extra["choices"] = [(i, i) for i in directory_industries()]
        self.filters["overlap"].label = f"Working-hours overlap with me ({viewer_timezone})"

    def filter_text(self, queryset, name, value):
        for word in value.split()[:6]:
            queryset = queryset.filter(
                Q(display_name__icontains=word)
                | Q(user__name__icontains=word)
                | Q(headline__icontains=word)
                | Q(job_title__icontains=word)
                # Someone without a name is shown by the start of their email.
                | (Q(display_name="", user__name="") & Q(user__email__istartswith=word))
            )
        return queryset

    def filter_sort(self, queryset, name, value):
        if value not in SORT_ORDERS:
            return queryset
        nulls_last = [
            models.F(field[1:]).desc(nulls_last=True) if field.startswith("-") else field
            for field in SORT_ORDERS[value]
        ]
        return queryset.order_by(*nulls_last)

    def filter_skill(self, queryset, name, value):
        skills = skills_matching_term(value)
        return queryset.filter(
            Exists(
                ProfileSkill.objects.filter(
                    profile=OuterRef("pk"),
                    direction=ProfileSkill.Direction.OFFERS,
                    skill__in=skills,
                )
            )
        )

    def filter_language(self, queryset, name, value):
        return queryset.filter(
            Exists(
                queryset.model.languages.through.objects.filter(
                    profile_id=OuterRef("pk"), language_id=value.pk
                )
            )
        )

    def filter_overlap(self, queryset, name, value):
        zones = timezones_overlapping(self.viewer_timezone, float(value))
        return queryset.filter(timezone__in=zones)

    def filter_format(self, queryset, name, value):
        return queryset.filter(**{f"format_{value}": True})

    def filter_available(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(available_now_q(today=timezone.localdate()))
