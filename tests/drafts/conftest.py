import pytest


@pytest.fixture
def sample(milestone, staff):  # type: ignore[no-untyped-def]
    """The sample co-creation on the seed's milestone: drafts 1–3, 60 contributions, responses."""
    from cocrea.drafts.sample import load_sample_cocreation

    return load_sample_cocreation(milestone, by=staff)
