import datetime as dt

import pytest
from django.utils import timezone

from indicators.services import add_months


@pytest.fixture
def last_month() -> dt.date:
    return add_months(timezone.localdate().replace(day=1), -1)


@pytest.fixture
def period(last_month) -> str:
    return f"{last_month:%Y-%m}"
