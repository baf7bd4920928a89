"""The dashboard is assembled from panels that each app contributes.

An app registers a function ``(request) -> dict | None`` with
``register_panel``; the function returns ``{"template": ..., "context": ...,
"order": int}`` or ``None`` when it has nothing to show for this person.
This keeps ``mentorship`` free of imports from the feature apps.
"""

from collections.abc import Callable

from django.http import HttpRequest

PanelFunc = Callable[[HttpRequest], dict | None]
_PANELS: list[PanelFunc] = []


def register_panel(func: PanelFunc) -> PanelFunc:
    if func not in _PANELS:
        _PANELS.append(func)
    return func


def dashboard_panels(request: HttpRequest) -> list[dict]:
    panels = [panel for func in _PANELS if (panel := func(request))]
    return sorted(panels, key=lambda panel: panel.get("order", 100))
