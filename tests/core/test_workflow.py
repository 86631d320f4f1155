"""The one transition helper: table check, update_fields, an audit row named by its action."""
import pytest
from django.contrib.contenttypes.models import ContentType

from qms.core.models import Transition
from qms.core.workflow import TransitionNotAllowed, action_label, register_actions, transition
from rectifications.models import Rectification
from rectifications.workflow import TRANSITIONS, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def rect(demo):
    import datetime as dt

    return Rectification.objects.create(
        institution=demo.institutions["H001"], source_kind="other", problem="p", due_on=dt.date(2030, 1, 1)
    )


def _rows(obj):
    return Transition.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


def test_it_moves_along_the_table_and_logs_the_action(rect, personas):
    row = transition(rect, Status.REPORTED, table=TRANSITIONS, actor=personas["qc_office"], action="rectification.reported")
    rect.refresh_from_db()
    assert rect.status == Status.REPORTED
    assert (row.from_status, row.to_status, row.action) == ("open", "reported", "rectification.reported")
    assert row.actor == personas["qc_office"]


def test_it_refuses_a_step_the_table_does_not_allow_and_writes_nothing(rect, personas):
    with pytest.raises(TransitionNotAllowed) as exc:
        transition(rect, Status.VERIFIED, table=TRANSITIONS, actor=personas["qc_office"], action="rectification.verified")
    assert "待整改" in str(exc.value) and "已确认有效" in str(exc.value)
    rect.refresh_from_db()
    assert rect.status == Status.OPEN
    assert not _rows(rect).exists()


def test_it_records_a_step_that_keeps_the_status_by_its_action(rect, personas):
    row = transition(rect, None, table=TRANSITIONS, actor=None, action="rectification.evidence_added", data={"n": 1})
    assert (row.from_status, row.to_status, row.action, row.data) == ("open", "open", "rectification.evidence_added", {"n": 1})


def test_a_created_object_is_recorded_from_nothing_to_its_first_status_without_a_save(rect, personas):
    Rectification.objects.filter(pk=rect.pk).update(problem="changed elsewhere")
    rect.problem = "stale"
    row = transition(rect, None, table=TRANSITIONS, actor=personas["qc_office"], action="rectification.opened", created=True)
    assert (row.from_status, row.to_status, row.action) == ("", "open", "rectification.opened")
    rect.refresh_from_db()
    assert rect.problem == "changed elsewhere"


def test_it_saves_only_the_named_fields(rect, personas):
    Rectification.objects.filter(pk=rect.pk).update(problem="changed elsewhere")
    rect.report_text = "done"
    transition(rect, Status.REPORTED, table=TRANSITIONS, actor=None, action="x", fields=("report_text",))
    rect.refresh_from_db()
    assert rect.report_text == "done"
    assert rect.problem == "changed elsewhere"  # the stale in-memory value was not written back


def test_it_labels_registered_actions_and_falls_back_to_the_code():
    register_actions({"test.labelled": "已标注"})
    assert action_label("test.labelled") == "已标注"
    assert action_label("test.unknown") == "test.unknown"


def test_it_refuses_a_move_to_the_same_status_unless_the_table_lists_it(rect):
    rect.status = Status.VERIFIED
    rect.save()
    with pytest.raises(TransitionNotAllowed):
        transition(rect, Status.VERIFIED, table=TRANSITIONS, actor=None, action="rectification.verified")
