"""A paginator that reads a page and the total in one query.

Django's ``Paginator`` runs ``COUNT(*)`` over the filtered rows and then the
page's ``SELECT``: two passes over the same filters (on a directory search,
both scan every mentor). :class:`OneQueryPaginator` selects the page with a
window count over the whole filtered set (``COUNT(*) OVER ()``, computed before
``LIMIT``), so the total comes with the rows (``mentorship.selectors.
rows_and_count``, which the dashboard panels use too). Only a page past the end
(or an empty list) costs the plain count, to find the last page as ``get_page``
does.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from .selectors import rows_and_count

MAX_OFFSET = 2**62  # an OFFSET the database takes (a bigint)


class OneQueryPaginator(Paginator):
    def __init__(self, object_list: QuerySet, per_page: int, **kwargs) -> None:
        if kwargs.get("orphans"):
            raise ValueError("orphans would need the count before the page")
        super().__init__(object_list, per_page, **kwargs)

    def get_page(self, number) -> Page:
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = 1
        bottom = (wanted - 1) * self.per_page
        if wanted < 1 or bottom > MAX_OFFSET:  # Django answers with the last page
            return super().get_page(number)
        rows, total = rows_and_count(self.object_list, bottom, bottom + self.per_page)
        if not rows:  # nothing at all, or past the last page: Django's own answer
            return super().get_page(number)
        self.__dict__["count"] = total  # the cached_property's value
        return self._get_page(rows, wanted, self)
