"""Pages of the 约谈 workflow: who sees them, a refused step keeps what was typed, lists stay bounded."""
import datetime as dt

import pytest
from django.test import Client

from interviews.models import Interview
from interviews.services import interview_approve, interview_trigger

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def approved(demo, personas):
    i = interview_trigger(institution=demo.institutions["H001"], ground=3, trigger_date=dt.date(2025, 9, 1),
                          problems="心内科II类不良事件", actor=personas["official_jn"])
    interview_approve(interview=i, actor=personas["leader_jn"], approved_on=dt.date(2025, 9, 2))
    return i


def test_it_refuses_a_short_notice_and_keeps_what_was_typed(personas, approved):
    c = client_for(personas["official_jn"])
    r = c.post(f"/interviews/{approved.pk}/notify/", {"notified_on": "2025-09-10", "scheduled_at": "2025-09-12T10:00",
                                                      "location": "第三会议室", "content": "约谈内容甲"})
    assert r.status_code == 400
    html = r.content.decode()
    assert "约谈通知须提前3个工作日送达（第四十六条（二））" in html
    assert 'value="第三会议室"' in html and "约谈内容甲" in html
    assert Interview.objects.get(pk=approved.pk).status == "approved"


def test_it_shows_the_page_to_those_in_reach_only(personas, approved):
    for name in ("official_jn", "official_jn2", "qc_office", "principal"):
        r = client_for(personas[name]).get(f"/interviews/{approved.pk}/")
        assert r.status_code == 200, name
        assert "心内科II类不良事件" in r.content.decode()
    for name in ("official_lx", "qc_office_h002", "staff_nurse", "head_cardiology"):
        assert client_for(personas[name]).get(f"/interviews/{approved.pk}/").status_code == 404, name
        assert client_for(personas[name]).post(f"/interviews/{approved.pk}/cancel/", {"reason": "x"}).status_code == 404


def test_it_shows_an_unconfirmed_date_as_such(demo, personas):
    i = interview_trigger(institution=demo.institutions["H001"], ground=4, trigger_date=dt.date(2026, 11, 20),
                          problems="x", actor=personas["official_jn"])
    html = client_for(personas["official_jn"]).get(f"/interviews/{i.pk}/").content.decode()
    assert "日历未确认" in html


def test_it_cancels_with_a_reason_only(personas, approved):
    c = client_for(personas["official_jn"])
    assert c.post(f"/interviews/{approved.pk}/cancel/", {"reason": ""}).status_code == 400
    r = c.post(f"/interviews/{approved.pk}/cancel/", {"reason": "经核实不属于约谈情形"})
    assert r.status_code == 302
    i = Interview.objects.get(pk=approved.pk)
    assert i.status == "cancelled" and i.cancel_reason == "经核实不属于约谈情形"


def test_it_lists_with_late_ones_below_in_bounded_queries(demo, personas, django_assert_max_num_queries):
    for _ in range(8):
        interview_trigger(institution=demo.institutions["H002"], ground=4, trigger_date=dt.date(2025, 9, 1),
                          problems="x", actor=personas["official_lx"])
    c = client_for(personas["official_jn"])
    with django_assert_max_num_queries(25):
        r = c.get("/interviews/")
    html = r.content.decode()
    assert r.status_code == 200 and 'id="late-below-table"' in html  # Art. 52: LX's late ones shown to JN
    assert "逾期未约谈（第四十五条）" in html
    assert "late-below-table" not in client_for(personas["official_lx"]).get("/interviews/").content.decode()


def test_it_gives_the_city_its_half_year_summary(demo, personas):
    c = client_for(personas["official_jn"])
    r = c.get("/interviews/summary/?year=2025&half=2")
    assert r.status_code == 200 and "2025-12-31" in r.content.decode()
    assert c.get("/interviews/summary/?year=2025&half=2&format=pdf")["Content-Type"] == "application/pdf"
    x = c.get("/interviews/summary/?year=2025&half=2&format=xlsx")
    assert x.content.startswith(b"PK")
    assert client_for(personas["qc_office"]).get("/interviews/summary/").status_code == 404


def test_it_feeds_the_committee_agenda(demo, personas):
    from interviews.extensions import agenda_items

    assert agenda_items(institution=demo.institutions["H001"], department=None, since=None,
                        until=dt.date(2026, 12, 31)) == []
