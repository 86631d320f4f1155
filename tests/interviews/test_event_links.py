"""Events attached to an interview are looked up among those the caller may see (issue 13 item 3)."""
import datetime as dt

from django.utils import timezone

from adverse_events import services as event_services
from adverse_events.models import AdverseEvent, EventType
from interviews import services
from interviews.models import Interview
from interviews.permissions import organiser_for
from organizations.models import Department, Institution

URL = "/api/v1/interviews/"


def _event(user, level):
    now = timezone.now()
    return event_services.adverse_event_report(
        reporter=user, department=Department.objects.get(institution__code="H001", code="CARD"),
        occurred_at=now - dt.timedelta(hours=3), discovered_at=now - dt.timedelta(hours=2),
        event_type=EventType.objects.get(code="FALL"), severity_level=level, description="院内机密经过 7781",
    )


def _body(events):
    return {"institution": "H001", "trigger_ground": 3, "trigger_date": timezone.localdate().isoformat(),
            "problems": "x", "adverse_events": events}


def test_it_refuses_to_attach_an_event_the_official_may_not_see(api, personas):
    hidden = _event(personas["staff_nurse"], "C")  # class III: the hospital's own business
    r = api(personas["official_jn"]).post(URL, _body([hidden.pk]), format="json")
    assert r.status_code == 400 and "adverse_events" in r.json(), r.content
    assert Interview.objects.count() == 0


def test_it_attaches_an_event_the_official_may_see(api, personas):
    severe = _event(personas["staff_nurse"], "I")  # class I: reported upwards, visible to the authority
    assert severe.severity_class == "I"
    before = Interview.objects.count()
    r = api(personas["official_jn"]).post(URL, _body([severe.pk]), format="json")
    assert r.status_code == 201, r.content
    assert Interview.objects.count() == before + 1


def test_the_interview_page_lists_only_linked_events_the_viewer_may_see(client, personas):
    hidden = _event(personas["staff_nurse"], "C")
    official = personas["official_jn"]
    h001 = Institution.objects.get(code="H001")
    interview = services.interview_trigger(
        institution=h001, ground=3, trigger_date=timezone.localdate(), problems="x", actor=official,
        adverse_events=[hidden], internal=False, organiser=organiser_for(official, h001),
    )
    client.force_login(official)
    page = client.get(f"/interviews/{interview.pk}/")
    assert page.status_code == 200
    assert str(AdverseEvent.objects.get(pk=hidden.pk)) not in page.content.decode()
