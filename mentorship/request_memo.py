"""A small memo that lives as long as one request, for reads a page repeats.

Some facts about the viewer are asked from several places of one page (the
people safety hides, asked by the suggestions panel, the questions panel and
the directory). ``RequestMemoMiddleware`` opens a memo for each request;
:func:`remembered` computes a value once within it. Outside a request (a
task, a shell, a service test) nothing is remembered: every call computes.

A write that changes a remembered fact calls :func:`forget` so that the rest
of the same request sees the new state.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

_memo: ContextVar[dict | None] = ContextVar("request_memo", default=None)


def remembered(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, run at most once per request for ``key``."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def forget(prefix: str) -> None:
    """Drop the remembered values whose key is ``prefix`` or a tuple starting with it."""
    memo = _memo.get()
    if not memo:
        return
    for key in [k for k in memo if k == prefix or (isinstance(k, tuple) and k[:1] == (prefix,))]:
        del memo[key]


class RequestMemoMiddleware:
    """Open an empty memo for the request, and close it when the response is made."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
