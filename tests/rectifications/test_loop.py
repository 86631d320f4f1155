"""The one rectification loop: open with a Deadline row, report, verify or reopen, repeats, scope."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qms.core.models import Deadline, Transition
from qms.notifications.models import Notification
from rectifications import services
from rectifications.selectors import visible_rectifications
from rectifications.workflow import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(demo):
    return demo.departments[("H001", "CARD")]


def _open(demo, card, personas, **kw):
    kw.setdefault("verifier", personas["qc_office"])
    return services.rectification_open(
        institution=demo.institutions["H001"], department=card, source_kind="inspection", source_id=12,
        source_label="核心制度督查", problem="三级查房记录缺主任查房", due_on=timezone.localdate() + dt.timedelta(days=20),
        actor=personas["qc_office"], **kw,
    )


def test_it_opens_with_a_deadline_row_and_tells_the_department_head(demo, card, personas):
    r = _open(demo, card, personas)
    d = Deadline.objects.get(rule="rectification.due", object_id=r.pk)
    assert d.due_on == r.due_on and d.done_at is None and d.department == card
    assert d.responsible == card.head
    assert Notification.objects.filter(recipient=card.head, rule="rectification.opened").count() == 1
    assert r.source == "inspection:12"


def test_it_refuses_a_due_date_in_the_past(demo, card, personas):
    with pytest.raises(ValidationError):
        services.rectification_open(
            institution=demo.institutions["H001"], department=card, source_kind="inspection", problem="x",
            due_on=timezone.localdate() - dt.timedelta(days=1), actor=personas["qc_office"],
        )


def test_it_runs_report_then_verify_and_closes_the_deadline(demo, card, personas):
    r = _open(demo, card, personas)
    services.rectification_report(rectification=r, actor=personas["head_cardiology"], text="已组织培训并补记录")
    assert Deadline.objects.get(rule="rectification.due", object_id=r.pk).done_at is not None
    services.rectification_verify(rectification=r, actor=personas["qc_office"], text="抽查 5 份，已落实")
    r.refresh_from_db()
    assert r.status == Status.VERIFIED
    actions = list(Transition.objects.filter(object_id=r.pk, action__startswith="rectification.").values_list("action", flat=True))
    assert actions == ["rectification.opened", "rectification.reported", "rectification.verified"]


def test_it_reopens_with_a_reason_and_a_new_deadline(demo, card, personas):
    r = _open(demo, card, personas)
    services.rectification_report(rectification=r, actor=personas["head_cardiology"], text="已整改")
    with pytest.raises(ValidationError):
        services.rectification_reopen(rectification=r, actor=personas["qc_office"], text=" ")
    services.rectification_reopen(rectification=r, actor=personas["qc_office"], text="复查仍缺记录")
    r.refresh_from_db()
    assert r.status == Status.REOPENED and r.reopen_count == 1
    assert Deadline.objects.get(rule="rectification.due", object_id=r.pk).done_at is None


def test_it_lets_only_the_verifier_verify_and_never_the_reporter(demo, card, personas):
    r = _open(demo, card, personas, verifier=None)  # the hospital's quality office verifies its own checks
    services.rectification_report(rectification=r, actor=personas["qc_office"], text="质控办代为报告")
    with pytest.raises(PermissionDenied):
        services.rectification_verify(rectification=r, actor=personas["qc_office"])  # reported it: may not verify
    with pytest.raises(PermissionDenied):
        services.rectification_verify(rectification=r, actor=personas["head_cardiology"])
    services.rectification_verify(rectification=r, actor=personas["principal"])


def test_it_refuses_the_report_of_someone_outside_the_department(demo, card, personas):
    r = _open(demo, card, personas)
    with pytest.raises(PermissionDenied):
        services.rectification_report(rectification=r, actor=personas["qc_office_h002"], text="x")


def test_it_marks_the_same_problem_found_again_as_a_repeat(demo, card, personas):
    first = _open(demo, card, personas, repeat_key="CS03/3/CARD")
    second = _open(demo, card, personas, repeat_key="CS03/3/CARD")
    other = _open(demo, card, personas, repeat_key="CS03/4/CARD")
    assert second.repeat_of == first and other.repeat_of is None and first.repeat_of is None


def test_it_is_invisible_to_another_hospital_and_visible_to_the_registering_authority(demo, card, personas, api):
    r = _open(demo, card, personas)
    assert not visible_rectifications(personas["qc_office_h002"]).filter(pk=r.pk).exists()
    assert visible_rectifications(personas["official_jn"]).filter(pk=r.pk).exists()
    assert api(personas["qc_office_h002"]).get(f"/api/v1/rectifications/{r.pk}/").status_code == 404


def test_api_lists_filters_and_steps(demo, card, personas, api):
    r = _open(demo, card, personas)
    _open(demo, card, personas)
    client = api(personas["head_cardiology"])
    body = client.get("/api/v1/rectifications/?source=inspection:12&status=open").json()
    assert body["count"] == 2
    row = next(x for x in body["results"] if x["id"] == r.pk)
    assert {k: row[k] for k in ("source", "department", "status")} == {"source": "inspection:12", "department": "CARD", "status": "open"}
    assert client.get("/api/v1/rectifications/?source=inspection:x").json()["count"] == 0
    assert client.post(f"/api/v1/rectifications/{r.pk}/report/", {"text": ""}, format="json").status_code == 400
    answer = client.post(f"/api/v1/rectifications/{r.pk}/report/", {"text": "已整改"}, format="json")
    assert answer.status_code == 200 and answer.json()["status"] == "reported"
    assert client.post(f"/api/v1/rectifications/{r.pk}/verify/", {}, format="json").status_code == 403
    done = api(personas["qc_office"]).post(f"/api/v1/rectifications/{r.pk}/verify/", {"text": "有效"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "verified"


def test_list_query_count_is_constant(demo, card, personas, api, django_assert_max_num_queries):
    for _ in range(5):
        _open(demo, card, personas)
    client = api(personas["qc_office"])
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/rectifications/").status_code == 200


def test_pages_show_the_loop(demo, card, personas, client):
    r = _open(demo, card, personas)
    client.force_login(personas["head_cardiology"])
    page = client.get(f"/rectifications/{r.pk}/").content.decode()
    assert "三级查房记录缺主任查房" in page and 'id="report-form"' in page and 'id="verify-form"' not in page
    bad = client.post(f"/rectifications/{r.pk}/report/", {"text": ""})
    assert bad.status_code == 400
    assert client.post(f"/rectifications/{r.pk}/report/", {"text": "已整改完毕"}).status_code == 302
    assert "rectification-table" in client.get("/rectifications/").content.decode()
    client.force_login(personas["qc_office_h002"])
    assert client.get(f"/rectifications/{r.pk}/").status_code == 404


def test_a_finding_made_in_error_is_withdrawn_by_the_side_that_asked_kept_and_closed(demo, card, personas, api,
                                                                                       client):
    """The cancel step, in the browser and the API: only the verifier's side, with a reason; never deleted."""
    r = _open(demo, card, personas)
    head = api(personas["head_cardiology"])
    assert head.post(f"/api/v1/rectifications/{r.pk}/cancel/", {"text": "不是问题"}, format="json").status_code == 403
    qc = api(personas["qc_office"])
    assert qc.post(f"/api/v1/rectifications/{r.pk}/cancel/", {"text": ""}, format="json").status_code == 400
    done = qc.post(f"/api/v1/rectifications/{r.pk}/cancel/", {"text": "检查表条目误判"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == Status.CANCELLED
    assert Deadline.objects.get(rule="rectification.due", object_id=r.pk).done_at is not None
    assert Transition.objects.filter(object_id=r.pk, action="rectification.cancelled", reason="检查表条目误判").exists()

    other = _open(demo, card, personas)
    client.force_login(personas["head_cardiology"])
    assert 'id="cancel-form"' not in client.get(f"/rectifications/{other.pk}/").content.decode()
    client.force_login(personas["qc_office"])
    assert 'id="cancel-form"' in client.get(f"/rectifications/{other.pk}/").content.decode()
    kept = client.post(f"/rectifications/{other.pk}/cancel/", {"reason": ""})
    assert kept.status_code == 400 and 'id="cancel-card" open' in kept.content.decode()
    assert client.post(f"/rectifications/{other.pk}/cancel/", {"reason": "重复录入"}).status_code == 302
    other.refresh_from_db()
    assert other.status == Status.CANCELLED
    assert 'id="cancel-form"' not in client.get(f"/rectifications/{other.pk}/").content.decode()
