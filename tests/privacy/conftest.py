import pytest

from tests.checkin.factories import ActivityFactory, CheckinPointFactory


@pytest.fixture
def reg_point(programme):
    return CheckinPointFactory(
        activity=ActivityFactory(programme=programme), requires_registration=True
    )


@pytest.fixture
def self_point(programme):
    return CheckinPointFactory(activity=ActivityFactory(programme=programme))
