from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def fast_model():  # type: ignore[no-untyped-def]
    """Load the shipped artifacts once per session."""
    from earful.labels.model import fast_model as load

    return load()
