import pytest

from community.selectors.routing_model import routing_model_forget


@pytest.fixture(autouse=True)
def _fresh_routing_model():
    """Each test fits its own routing model (the cache is per process)."""
    routing_model_forget()
    yield
    routing_model_forget()
