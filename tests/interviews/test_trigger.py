"""The contract the adverse-events app builds on: interview_trigger (Art. 45)."""
import datetime as dt

import pytest

from interviews.models import Interview
from interviews.services import interview_trigger
from qms.core.models import Deadline, Transition

pytestmark = pytest.mark.django_db


def test_it_triggers_with_hold_by_thirty_working_days_later(demo, personas):
    h001 = demo.institutions["H001"]
    interview = interview_trigger(
        institution=h001, ground=3, trigger_date=dt.date(2025, 3, 3), problems="II类不良事件", actor=personas["official_jn"]
    )
    assert interview.status == "triggered"
    assert interview.organiser == demo.authorities["JN"]
    # 2025-03-03 (Mon) + 30 working days, no holidays in March/April before Qingming (4 Apr)
    assert interview.hold_by == dt.date(2025, 4, 15)
    assert interview.hold_by_confirmed is True
    deadline = Deadline.objects.get(rule="interview.hold_by", object_id=interview.pk)
    assert deadline.due_on == interview.hold_by and deadline.workdays == 30
    assert Transition.objects.filter(object_id=interview.pk, to_status="triggered").count() == 1
    assert Interview.objects.count() == 1


def test_it_leaves_the_organiser_empty_for_internal_ones(demo, personas):
    interview = interview_trigger(
        institution=demo.institutions["H001"], ground=6, trigger_date=dt.date(2025, 3, 3), problems="x",
        actor=personas["qc_office"], internal=True,
    )
    assert interview.organiser is None and interview.internal
