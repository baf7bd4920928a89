"""OneQueryPaginator: the same pages as Django's Paginator, in one query."""

import pytest
from django.core.paginator import Paginator

from mentorship.pagination import OneQueryPaginator
from profiles.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    for n in range(23):
        UserFactory(email=f"person{n:02d}@example.org")
    return User.objects.filter(email__startswith="person").order_by("email")


@pytest.mark.parametrize("number", [1, 2, 3, "2", None, "x", 0, -4, 4, 99, "9" * 30])
def test_same_pages_as_djangos_paginator(people, number, django_assert_max_num_queries):
    expected = Paginator(people, 10).get_page(number)
    expected_emails = [u.email for u in expected.object_list]
    with django_assert_max_num_queries(1 if number in (1, 2, 3, "2", None, "x") else 3):
        page = OneQueryPaginator(people, 10).get_page(number)
        assert [u.email for u in page.object_list] == expected_emails
        assert page.number == expected.number
        assert page.paginator.count == 23 and page.paginator.num_pages == 3
        assert (page.has_next(), page.has_previous()) == (
            expected.has_next(),
            expected.has_previous(),
        )
        assert (page.start_index(), page.end_index()) == (
            expected.start_index(),
            expected.end_index(),
        )


def test_an_empty_list_is_one_empty_page(people):
    page = OneQueryPaginator(people.none(), 10).get_page(1)
    assert list(page.object_list) == [] and page.number == 1 and page.paginator.count == 0


def test_orphans_are_refused(people):
    with pytest.raises(ValueError):
        OneQueryPaginator(people, 10, orphans=2)


def test_distinct_lists_are_counted_after_distinct(people, django_assert_num_queries):
    from django.db.models import Q

    doubled = User.objects.filter(Q(email__startswith="person") | Q(groups__isnull=True)).filter(
        email__startswith="person"
    )
    doubled = (doubled | doubled).distinct().order_by("email")
    page = OneQueryPaginator(doubled, 10).get_page(3)
    assert page.paginator.count == 23 and len(page.object_list) == 3
    # The dashboard panels' "3 of N" shares the count.
    from mentorship.selectors import first_rows_and_count

    rows, total = first_rows_and_count(doubled, 3)
    assert len(rows) == 3 and total == 23
    assert first_rows_and_count(people, 3)[1] == 23
    assert first_rows_and_count(people.none(), 3) == ([], 0)
