"""Issue 13 item 11: a newline in what a reminder is about (an action's description) never breaks its e-mail:
subjects are single-line by construction, in the inbox, in the outbox and when sent."""
import pytest
from django.core import mail

from qms.notifications import services
from qms.notifications.models import Notification, Outbox
from qms.notifications.services import deadline_pass, notify

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def _all_sent() -> None:
    services.outbox_flush()
    assert not Outbox.objects.exclude(status=Outbox.Status.SENT).exists(), list(
        Outbox.objects.exclude(status=Outbox.Status.SENT).values("status", "last_error"))


def test_a_newline_in_an_action_description_leaves_its_reminder_a_single_line_subject(demo, open_deadline):
    card = demo.dept("H001", "CARD")
    open_deadline("action_item.due", obj=card, label="整改事项：加强\r\n交接班\n核对", due_on=TODAY, department=card,
                  responsible=card.head)
    deadline_pass(today=TODAY)
    assert Notification.objects.exists()
    assert all("\n" not in t and "\r" not in t for t in Notification.objects.values_list("title", flat=True))
    _all_sent()
    assert mail.outbox and all("\n" not in m.subject and "交接班 核对" in m.subject for m in mail.outbox)


def test_notify_and_a_plain_outbox_e_mail_keep_subjects_on_one_line(demo):
    nurse = demo.users["staff_nurse"]
    notify(recipients=[nurse], rule="action_item.due", article="第十二条", subject="第一行\n第二行", body="正文\n可多行",
           period_key="p1")
    services.outbox_enqueue(email_to=["a@example.test"], subject="甲\r\n乙", body="b")
    _all_sent()
    assert sorted(m.subject for m in mail.outbox) == ["甲 乙", "第一行 第二行"]
    assert any(m.body.startswith("正文\n可多行") for m in mail.outbox)  # bodies keep their lines
