from django import template
from django.urls import reverse
from django.utils.http import urlencode

from safety.registry import content_for_model

register = template.Library()


@register.simple_tag(takes_context=True)
def safety_urls(context, content) -> dict:
    """``report`` and ``block`` URLs for a registered content row (empty if not registered)."""
    entry = content_for_model(type(content)) if content is not None else None
    if entry is None:
        return {}
    request = context.get("request")
    query = {
        "content": entry.key,
        "id": str(getattr(content, entry.lookup_field)),
        "next": request.get_full_path() if request is not None else "",
    }
    encoded = urlencode(query)
    return {
        "report": f"{reverse('safety:report_create')}?{encoded}",
        "block": f"{reverse('safety:block_confirm')}?{encoded}",
        "kind": entry.kind,
    }


@register.filter
def iso_datetime(value):
    """An ISO 8601 string (as stored in report snapshots) back to a datetime."""
    import datetime

    try:
        return datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return None
