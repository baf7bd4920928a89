"""The house rules that a reviewer would otherwise have to remember.

The import layers themselves are import-linter contracts (``make lint``);
these are the rules it cannot express.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("mentorship", "profiles", "safety", "matching", "sessions", "community")
MAX_LINES = 500


def _modules(kind: str):
    for app in APPS:
        package = ROOT / app / kind
        yield from package.glob("*.py") if package.is_dir() else ()
        single = ROOT / app / f"{kind}.py"
        if single.exists():
            yield single


def test_no_service_or_selector_module_is_over_500_lines():
    too_long = {
        str(path.relative_to(ROOT)): n
        for kind in ("services", "selectors")
        for path in _modules(kind)
        if (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert too_long == {}, f"split these by concern (max {MAX_LINES} lines): {too_long}"


def test_services_do_not_queue_tasks():
    """Callers queue (``task.delay_on_commit``); a service only changes rows."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in _modules("services")
        if any(call in path.read_text() for call in (".delay(", ".apply_async(", "_on_commit("))
    ]
    assert offenders == []
