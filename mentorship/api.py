"""The REST API's core: authentication, permissions, throttles, pagination, errors.

Every app's ``api.py`` builds on these; ``docs/api.md`` is the guide.

* **Authentication**: ``Authorization: Bearer mtk_…`` personal access tokens
  (:class:`TokenAuthentication`), or the browser session with CSRF
  (:class:`SessionAuthentication`) for the site's own pages. Both check
  :func:`mentorship.access.account_usable` on every request.
* **Scopes**: a ``read`` token may only read; ``write`` may do what its owner
  may do on the web; ``scim`` tokens work only at ``/scim/v2/``.
* **Errors**: one body, ``{"code", "message"[, "errors"]}``, for every 4xx;
  a :class:`~mentorship.errors.Refusal` from a service is a 400 with its code.
* **Lists**: cursor pagination (``?cursor=``, ``?page_size=`` up to 100).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from mentorship.api_auth import CursorPagination, IsProgrammeManager
from mentorship.errors import Refusal
from mentorship.models import Notification
from mentorship.notifications import notification_mark_read, notifications_mark_all_read
from mentorship.selectors import notification_for_user, notifications_for_user

__all__ = ["CursorPagination", "IsProgrammeManager"]

# --- errors --------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable identifier to branch on.")
    message = serializers.CharField(help_text="A sentence for a person.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages by field (`__all__`: the request as a whole).",
    )


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """The documented error answers of an endpoint (400, 401, 403, 404, 429 always: any
    request holding a NUL or a control character is a 400, a list answers 404 to a
    stale cursor, any path to an id that is not yours)."""
    descriptions = {
        400: "Invalid input (a control character anywhere, a bad field), or a rule "
        "refused the action (`code` says which).",
        401: "No or invalid credentials.",
        403: "The token's scope does not allow this.",
        404: "Not found, or not yours.",
        429: "Too many requests: slow down (see Retry-After).",
    }
    wanted = sorted({400, 401, 403, 404, 429, *codes})
    return {
        code: OpenApiResponse(ErrorSerializer, description=descriptions[code]) for code in wanted
    }


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            key = "__all__" if key == "non_field_errors" else str(key)
            if isinstance(value, dict):
                for sub, msgs in _flatten(value).items():
                    out[f"{key}.{sub}"] = msgs
            elif isinstance(value, list):
                flat = []
                for item in value:
                    if isinstance(item, dict):
                        for sub, msgs in _flatten(item).items():
                            out[f"{key}.{sub}"] = msgs
                    else:
                        flat.append(str(item))
                if flat:
                    out[key] = flat
            else:
                out[key] = [str(value)]
        return out
    if isinstance(detail, list):
        return {"__all__": [str(item) for item in detail]}
    return {"__all__": [str(detail)]}


def exception_handler(exc, context):
    """Every error as ``{"code", "message"[, "errors"]}``; a Refusal is a 400."""
    if isinstance(exc, Refusal):
        return Response(exc.as_dict(), status=400)
    if isinstance(exc, DjangoValidationError):
        # A model's full_clean() in a service: the same messages as the web form.
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a bug: a 500 and a log entry
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        message = "; ".join(
            f"{field}: {' '.join(msgs)}" if field != "__all__" else " ".join(msgs)
            for field, msgs in errors.items()
        )
        response.data = {
            "code": "invalid",
            "message": message or "Invalid input.",
            "errors": errors,
        }
    else:
        detail = getattr(exc, "detail", "")
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = {"code": str(code), "message": str(detail)}
    return response


# --- helpers for endpoints ------------------------------------------------------


def form_checked(form):
    """Validate input with the web's own form (one copy of the rules) or answer 400."""
    if not form.is_valid():
        raise exceptions.ValidationError(
            {("__all__" if k == "__all__" else k): v for k, v in form.errors.items()}
        )
    return form


def input_checked(serializer_class, data, **kwargs) -> dict:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def found(obj):
    """``obj`` or a 404: selectors return None for what the viewer may not see."""
    if obj is None:
        raise exceptions.NotFound("Not found.")
    return obj


class ListAPIView(APIView):
    """A cursor-paginated list: subclasses give ``get_queryset`` and ``serializer_class``."""

    serializer_class: type[serializers.Serializer]
    pagination_class = CursorPagination
    ordering: str | tuple[str, ...] = "-id"

    def get_queryset(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def serializer_context(self) -> dict:
        return {"request": self.request}

    def get(self, request, *args, **kwargs):
        queryset = self.get_queryset()  # may choose self.ordering from the filters
        paginator = self.pagination_class()
        paginator.ordering = self.ordering
        page = paginator.paginate_queryset(queryset, request, view=self)
        data = self.serializer_class(page, many=True, context=self.serializer_context()).data
        return paginator.get_paginated_response(data)


# --- notifications ------------------------------------------------------------


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "read", "read_at", "created_at"]
        read_only_fields = fields

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class NotificationFilterSerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False)


@extend_schema(
    tags=["notifications"],
    parameters=[NotificationFilterSerializer],
    responses={200: NotificationSerializer(many=True), **error_responses(400)},
)
class NotificationListView(ListAPIView):
    """Your notifications, newest first (`?unread=true`: only unread ones)."""

    serializer_class = NotificationSerializer
    ordering = ("-created_at", "-id")

    def get_queryset(self):
        filters = NotificationFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return notifications_for_user(user=self.request.user, **filters.validated_data)


class NotificationReadView(APIView):
    @extend_schema(
        tags=["notifications"],
        request=None,
        responses={200: NotificationSerializer, **error_responses(404)},
    )
    def post(self, request, pk: int):
        """Mark one notification read."""
        notification = found(notification_for_user(user=request.user, pk=pk))
        return Response(
            NotificationSerializer(notification_mark_read(notification=notification)).data
        )


class NotificationReadAllView(APIView):
    @extend_schema(
        tags=["notifications"],
        request=None,
        responses={
            200: inline_serializer("NotificationsReadAll", {"marked": serializers.IntegerField()}),
            **error_responses(),
        },
    )
    def post(self, request):
        """Mark every notification read."""
        return Response({"marked": notifications_mark_all_read(user=request.user)})
