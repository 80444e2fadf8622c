import pytest

from tests.checkin.factories import ActivityFactory, CheckinPointFactory


@pytest.fixture
def activity(programme, partner):
    return ActivityFactory(programme=programme, partner=partner)


@pytest.fixture
def point(activity):
    return CheckinPointFactory(activity=activity)
