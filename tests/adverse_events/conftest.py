import datetime as dt

import pytest
from django.utils import timezone

from adverse_events import services
from adverse_events.models import EventType
from organizations.models import Department


@pytest.fixture
def payload():
    def make(**overrides):
        now = timezone.localtime()
        body = {
            "department": "CARD",
            "occurred_at": (now - dt.timedelta(hours=3)).isoformat(),
            "discovered_at": (now - dt.timedelta(hours=2)).isoformat(),
            "event_type": "FALL",
            "severity_level": "E",
            "description": "患者如厕时滑倒，右膝擦伤。",
            "immediate_actions": "扶起、测生命体征、通知医师。",
            "patient_age": 76,
            "patient_sex": "F",
            "anonymous": False,
        }
        body.update(overrides)
        return body

    return make


@pytest.fixture
def report(demo):
    """report(user, **fields) files an event through the service."""

    def make(user, *, institution="H001", department="CARD", level="E", hours_ago=2, anonymous=False,
             event_type="FALL", **extra):
        now = timezone.now()
        return services.adverse_event_report(
            reporter=user,
            department=Department.objects.get(institution__code=institution, code=department),
            occurred_at=now - dt.timedelta(hours=hours_ago + 1),
            discovered_at=now - dt.timedelta(hours=hours_ago),
            event_type=EventType.objects.get(code=event_type),
            severity_level=level,
            description=extra.pop("description", "测试事件经过"),
            anonymous=anonymous,
            **extra,
        )

    return make
