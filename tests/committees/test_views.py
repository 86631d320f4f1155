import datetime as dt

import pytest
from django.test import Client

from committees import services
from committees.models import Meeting
from tests.committees.conftest import at


@pytest.fixture
def web(personas):
    def make(name):
        client = Client()
        client.force_login(personas[name])
        return client

    return make


@pytest.fixture
def meetings(committee, card_body, make_meeting, add_item):
    out = []
    for month in (5, 6, 7, 8):
        m = make_meeting(committee, at(2026, month, 10))
        add_item(m, dt.date(2026, month, 25))
        out.append(m)
        out.append(make_meeting(card_body, at(2026, month, 20)))
    return out


@pytest.mark.parametrize("url", ["/meetings/", "/meetings/actions/", "/meetings/compliance/", "/meetings/bodies/", "/"])
def test_it_shows_list_pages_with_a_fixed_number_of_queries(meetings, web, url, django_assert_max_num_queries):
    client = web("qc_office")
    with django_assert_max_num_queries(30):
        r = client.get(url)
    assert r.status_code == 200


def test_it_shows_a_meeting_with_its_quorum_and_agenda(meetings, web, django_assert_max_num_queries):
    m = meetings[-2]
    with django_assert_max_num_queries(40):
        r = web("qc_office").get(f"/meetings/{m.pk}/")
    html = r.content.decode()
    assert r.status_code == 200 and 'id="quorum"' in html and "已达到法定人数" in html
    assert "遗留" in html  # earlier items carried over
    assert web("qc_office_h002").get(f"/meetings/{m.pk}/").status_code == 404
    assert web("staff_nurse").get(f"/meetings/{m.pk}/").status_code == 404
    assert web("official_jn").get(f"/meetings/{m.pk}/").status_code == 200


def test_it_re_renders_a_refused_action_item_with_what_was_typed(meetings, web, personas):
    m = meetings[-2]
    decision = m.decisions.first()
    r = web("qc_office").post(f"/meetings/{m.pk}/action-items/", {
        "action-decision": decision.pk, "action-title": "我输入的整改事项", "action-department": "",
        "action-owner": personas["head_cardiology"].pk, "action-due_on": "2026-08-01",
    })
    html = r.content.decode()
    assert r.status_code == 400
    assert "我输入的整改事项" in html and "第八条" in html and "不能早于会议日期" in html


def test_it_shows_the_owner_their_items_on_the_home_page(meetings, web):
    html = web("head_cardiology").get("/").content.decode()
    assert 'id="my-action-items"' in html and "整改：病历24小时完成率" in html
    assert 'id="action-items-panel"' not in web("qc_office_h002").get("/").content.decode()


def test_it_marks_the_gap_on_the_compliance_page(meetings, web):
    r = web("principal").get("/meetings/compliance/?from=2026-05&to=2026-08")
    html = r.content.decode()
    assert html.count('data-status="ok"') == 8  # committee and cardiology, four months each
    assert html.count('data-status="missing"') == 17 * 4
    assert web("qc_office").get("/meetings/compliance/?institution=H002").status_code == 404


def test_it_serves_the_minutes_pdf_only_within_reach(meetings, web, personas):
    m = meetings[-2]
    services.meeting_approve(meeting=Meeting.objects.get(pk=m.pk), actor=personas["principal"])
    r = web("qc_office").get(f"/meetings/{m.pk}/minutes.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert web("qc_office_h002").get(f"/meetings/{m.pk}/minutes.pdf").status_code == 404
