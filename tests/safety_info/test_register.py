"""The register (Art. 38): each kind's own fields, the closed loop, the Art. 45 (一) offer, statistics."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from interviews.models import Interview
from safety_info import services
from safety_info.bulletin import bulletin_section
from safety_info.selectors import register_stats, visible_records

pytestmark = pytest.mark.django_db


def _register(demo, personas, kind, **kw):
    kw.setdefault("department", demo.departments[("H001", "CARD")])
    return services.safety_record_register(
        institution=demo.institutions["H001"], kind=kind, received_on=timezone.localdate() - dt.timedelta(days=3),
        summary="患者家属对术后并发症处理不满", actor=personas["qc_office"], **kw)


def test_it_runs_the_loop_received_investigated_handled_closed(demo, personas):
    r = _register(demo, personas, "dispute", claim_amount=Decimal(200000))
    assert r.status == "received" and r.reference.startswith("JF-H001-")
    services.safety_record_investigate(record=r, actor=personas["qc_office"], investigation="调阅病历，术后观察不到位")
    with pytest.raises(ValidationError) as exc:
        services.safety_record_handle(record=r, actor=personas["qc_office"], handling="调解")
    assert "resolution" in exc.value.message_dict
    services.safety_record_handle(record=r, actor=personas["qc_office"], handling="人民调解委员会调解",
                                  resolution="mediation", compensation=Decimal(80000), hospital_paid=Decimal(50000))
    with pytest.raises(ValidationError):
        services.safety_record_close(record=r, actor=personas["qc_office"], outcome="达成协议", lessons=" ")
    services.safety_record_close(record=r, actor=personas["qc_office"], outcome="达成调解协议", lessons="加强术后巡视")
    r.refresh_from_db()
    assert r.status == "closed" and r.hospital_paid == Decimal(50000) and r.closed_on == timezone.localdate()


def test_it_keeps_the_order_of_the_loop(demo, personas):
    r = _register(demo, personas, "complaint", channel="phone")
    with pytest.raises(ValidationError):
        services.safety_record_close(record=r, actor=personas["qc_office"], outcome="x", lessons="y")


def test_it_asks_each_kind_for_its_own_fields(demo, personas):
    with pytest.raises(ValidationError) as exc:
        _register(demo, personas, "malpractice")
    assert {"determined_by", "accident_grade", "responsibility"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        _register(demo, personas, "lawsuit")
    assert {"court", "case_number"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        _register(demo, personas, "complaint")
    assert "channel" in exc.value.message_dict


def test_it_lets_only_the_hospitals_office_register(demo, personas):
    with pytest.raises(PermissionDenied):
        services.safety_record_register(
            institution=demo.institutions["H001"], kind="complaint", received_on=timezone.localdate(),
            department=demo.departments[("H001", "CARD")], summary="x", actor=personas["qc_office_h002"], channel="phone")


def _accident(demo, personas, grade=1, responsibility="major"):
    return _register(demo, personas, "malpractice", determined_by="济南市医学会", determined_on=timezone.localdate(),
                     accident_grade=grade, responsibility=responsibility)


def test_it_offers_the_art45_ground1_interview_for_a_first_grade_main_responsibility(demo, personas):
    r = _accident(demo, personas)
    assert r.is_art45_ground1
    with pytest.raises(PermissionDenied):
        services.safety_record_interview_trigger(record=r, actor=personas["qc_office"])
    interview = services.safety_record_interview_trigger(record=r, actor=personas["official_jn"])
    assert interview.trigger_ground == 1 and interview.organiser.code == "JN" and interview.status == "triggered"
    assert r.reference in interview.problems
    with pytest.raises(ValidationError):
        services.safety_record_interview_trigger(record=r, actor=personas["official_jn"])


@pytest.mark.parametrize(("grade", "resp"), [(1, "minor"), (2, "full"), (1, "slight")])
def test_it_offers_no_ground1_interview_below_the_threshold(demo, personas, grade, resp):
    r = _accident(demo, personas, grade, resp)
    assert not r.is_art45_ground1
    with pytest.raises(ValidationError):
        services.safety_record_interview_trigger(record=r, actor=personas["official_jn"])
    assert not Interview.objects.exists()


def test_it_counts_by_kind_department_and_month(demo, personas):
    _register(demo, personas, "complaint", channel="phone")
    _register(demo, personas, "complaint", channel="online", department=demo.departments[("H001", "GS")])
    _accident(demo, personas)
    stats = register_stats(visible_records(personas["qc_office"]))
    kinds = {k["kind"]: k["n"] for k in stats["kinds"]}
    assert kinds == {"complaint": 2, "dispute": 0, "malpractice": 1, "lawsuit": 0}
    assert {d["department__name"]: d["n"] for d in stats["departments"]} == {"心血管内科": 2, "普通外科": 1}
    assert sum(m["n"] for m in stats["months"]) == 3
    today = timezone.localdate() - dt.timedelta(days=3)
    section = bulletin_section(institution=demo.institutions["H001"], year=today.year, month=today.month)
    assert section["available"] and "医疗投诉 2 件" in section["lines"][0]


def test_it_hides_another_hospitals_register(demo, personas, api):
    r = _register(demo, personas, "complaint", channel="phone")
    assert api(personas["qc_office_h002"]).get(f"/api/v1/safety-information/{r.pk}/").status_code == 404
    assert api(personas["official_jn"]).get(f"/api/v1/safety-information/{r.pk}/").status_code == 200


def test_it_registers_through_the_api(demo, personas, api):
    client = api(personas["qc_office"])
    body = {"institution": "H001", "kind": "lawsuit", "received_on": str(timezone.localdate()), "department": "CARD",
            "summary": "患方起诉", "court": "济南市历下区人民法院", "case_number": "（2026）鲁0102民初1号"}
    r = client.post("/api/v1/safety-information/", body, format="json")
    assert r.status_code == 201 and r.json()["status"] == "received" and r.json()["id"]
    assert client.post("/api/v1/safety-information/", {**body, "kind": "x"}, format="json").status_code == 400
    assert client.post("/api/v1/safety-information/", {**body, "department": "NOPE"}, format="json").status_code == 400


def test_it_lists_in_a_bounded_number_of_queries(demo, personas, api, django_assert_max_num_queries):
    for _i in range(5):
        _register(demo, personas, "complaint", channel="phone")
    client = api(personas["qc_office"])
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/safety-information/").json()["count"] == 5


def test_it_links_the_hospitals_own_adverse_events_and_carries_them_into_the_interview(demo, personas):
    from adverse_events.models import EventType
    from adverse_events.services import adverse_event_report

    now = timezone.now()

    def report(who, dept):
        return adverse_event_report(
            reporter=personas[who], department=demo.departments[dept], occurred_at=now - dt.timedelta(hours=5),
            discovered_at=now - dt.timedelta(hours=4), event_type=EventType.objects.first(), severity_level="I",
            description="术后肺栓塞死亡", anonymous=False)

    own, other = report("staff_nurse", ("H001", "CARD")), report("qc_office_h002", ("H002", "NK"))
    with pytest.raises(ValidationError) as exc:
        _register(demo, personas, "malpractice", determined_by="济南市医学会", determined_on=timezone.localdate(),
                  accident_grade=1, responsibility="major", adverse_events=[other])
    assert "adverse_events" in exc.value.message_dict
    r = _register(demo, personas, "malpractice", determined_by="济南市医学会", determined_on=timezone.localdate(),
                  accident_grade=1, responsibility="major", adverse_events=[own])
    assert list(r.adverse_events.all()) == [own] and r.department == demo.departments[("H001", "CARD")]
    interview = services.safety_record_interview_trigger(record=r, actor=personas["official_jn"])
    assert list(interview.adverse_events.all()) == [own]
