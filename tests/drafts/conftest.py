import pytest


@pytest.fixture
def sample(sample_cocreation, milestone, staff):  # type: ignore[no-untyped-def]
    """The sample co-creation on the seed's milestone: drafts 1–3, 60 contributions, responses.

    Loaded by ``staff`` through ``cocrea.drafts.sample.load_sample_cocreation``, once per test
    process (see tests/conftest.py); each test gets it in its own transaction."""
    return sample_cocreation
