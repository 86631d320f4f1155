import datetime as dt

import pytest
from django.utils import timezone

from qms.core.services import deadline_open

TODAY = dt.date(2026, 3, 9)  # a Monday, no holiday near


@pytest.fixture
def open_deadline(demo):
    """open_deadline(rule, due_on=…, obj=…, **fields): a Deadline row as the apps open them."""

    def make(rule: str, *, obj=None, label: str | None = None, article: str = "", **fields):
        obj = obj or demo.dept("H001", "CARD")
        fields.setdefault("institution", getattr(obj, "institution", None) or demo.institutions["H001"])
        return deadline_open(obj=obj, rule=rule, label=label or f"测试事项 {rule}", article=article, **fields)

    return make


@pytest.fixture
def aware():
    def make(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
        return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, minute))

    return make
