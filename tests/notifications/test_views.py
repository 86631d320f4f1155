import datetime as dt

import pytest
from django.urls import reverse

from qms.notifications.models import Notification, PassRun
from qms.notifications.services import deadline_pass, notify

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def _notes(user, n: int) -> None:
    for i in range(n):
        notify(recipients=[user], rule="action_item.due", article="第十二条", subject=f"【已逾期】事项{i}",
               body=f"事项{i}：依据第十二条，截止2026年3月{i % 28 + 1}日。", url="/meetings/", period_key=f"p{i}")


def test_it_shows_the_unread_count_in_the_header_and_only_ones_own_messages(client, personas):
    qc, nurse = personas["qc_office"], personas["staff_nurse"]
    _notes(qc, 3)
    _notes(nurse, 1)
    client.force_login(qc)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert 'id="inbox-unread">3<' in page
    assert page.count('class="list-group-item') == 3


def test_it_marks_read_and_opens_the_object(client, personas):
    qc = personas["qc_office"]
    _notes(qc, 2)
    note = Notification.objects.filter(recipient=qc).first()
    client.force_login(qc)
    response = client.post(reverse("notifications:read", args=[note.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/meetings/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert 'id="inbox-unread">1<' in client.get(reverse("notifications:inbox")).content.decode()
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(recipient=qc, read_at__isnull=True).exists()


def test_it_hides_someone_elses_notification(client, personas):
    _notes(personas["staff_nurse"], 1)
    note = Notification.objects.get()
    client.force_login(personas["qc_office"])
    assert client.post(reverse("notifications:read", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_it_lists_the_inbox_with_a_bounded_number_of_queries(client, personas, django_assert_max_num_queries):
    qc = personas["qc_office"]
    client.force_login(qc)
    _notes(qc, 3)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("notifications:inbox")).status_code == 200
    _notes(qc, 40)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("notifications:inbox")).status_code == 200


def test_the_passes_page_is_for_the_quality_office_and_staff(client, personas, open_deadline, demo):
    card = demo.dept("H001", "CARD")
    open_deadline("monthly_report.due", obj=card, due_on=dt.date(2026, 3, 6), department=card, responsible=card.head)
    h2 = demo.dept("H002", "NK")
    open_deadline("monthly_report.due", obj=h2, due_on=dt.date(2026, 3, 6), department=h2, responsible=h2.head)
    deadline_pass(today=TODAY)
    client.force_login(personas["staff_nurse"])
    assert client.get(reverse("notifications:passes")).status_code == 404
    client.force_login(personas["qc_office"])
    page = client.get(reverse("notifications:passes")).content.decode()
    assert "科室月度质量报告提交期限：1" in page  # H001's finding only, not H002's
    assert "心血管内科" in page or "head_cardiology" in page or "张明" in page
    assert "贾春生" not in page  # H002's head is not shown to H001's quality office
    assert 'id="run-now"' not in page  # the button is for staff
    assert client.post(reverse("notifications:pass_run")).status_code == 403


def test_staff_run_the_pass_now_and_follow_its_progress(client, personas, django_capture_on_commit_callbacks, django_assert_max_num_queries):
    qc = personas["qc_office"]
    qc.is_staff = True
    qc.save()
    client.force_login(qc)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:pass_run"))
    assert response.status_code == 302
    run = PassRun.objects.get()
    data = client.get(reverse("notifications:pass_progress", args=[run.pk])).json()
    assert data["status"] == "done" and data["percent"] == 100 and data["finished"]
    with django_assert_max_num_queries(14):
        page = client.get(reverse("notifications:passes")).content.decode()
    assert 'id="run-now"' in page and "pass_progress.js" in page and "<script>" not in page
    client.force_login(personas["staff_nurse"])
    assert client.get(reverse("notifications:pass_progress", args=[run.pk])).status_code == 404


def test_the_pass_progress_shows_a_quality_office_only_its_own_hospitals_figures(client, personas, open_deadline, demo):
    """Issue 13 item 12: the progress JSON (and the page) count only the caller's hospitals."""
    card = demo.dept("H001", "CARD")
    open_deadline("monthly_report.due", obj=card, due_on=dt.date(2026, 3, 6), department=card, responsible=card.head)
    for code in ("NK", "WK"):
        h2 = demo.dept("H002", code)
        open_deadline("monthly_report.due", obj=h2, due_on=dt.date(2026, 3, 6), department=h2, responsible=h2.head)
    deadline_pass(today=TODAY)
    run = PassRun.objects.get()
    ours = Notification.objects.filter(run=run, institution=card.institution)
    assert run.found == 3 and run.notified > ours.count() > 0
    client.force_login(personas["qc_office"])
    data = client.get(reverse("notifications:pass_progress", args=[run.pk])).json()
    assert data["found"] == 1
    assert data["notified"] == ours.count()
    assert data["emailed"] == sum(1 for n in ours if n.outbox.filter(kind="email").exists())
    page = client.get(reverse("notifications:passes")).content.decode()
    assert f"<td>{ours.count()} / {data['emailed']}</td>" in page
    assert f"发现 1 项，站内通知 {ours.count()} 条" in page
