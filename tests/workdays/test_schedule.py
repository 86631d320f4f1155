"""Issue 12 item 1 (and 2): one service is the only way a year's schedule changes, and every path (API,
admin, management command, a correction inside a covered year) recomputes every open Deadline and every
stored copy of a legal date in the same transaction, logging each move."""
import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from interviews.models import Interview
from qms import workdays
from qms.core.models import Deadline, Transition
from qms.workdays.models import CalendarDay, CalendarYear
from tests.interviews.helpers import D, at, notified, triggered

pytestmark = pytest.mark.django_db
PUT = "/api/v1/calendar/years/2027/"
# The State Council's 2027 schedule as the tests imagine it: New Year's Day on a Friday.
BODY_2027 = {"holidays": ["2027-01-01", "2027-02-08", "2027-02-09"], "workdays": ["2027-02-06"]}


def _late_trigger(demo, personas):
    """Triggered 2026-11-25: its 30 working days run into 2027, a year with no schedule yet."""
    return triggered(demo, personas, trigger="2026-11-25")


def test_it_does_not_count_a_bare_year_row_as_confirmed(db):
    CalendarYear.objects.create(year=2027, source="国办发明电")
    workdays.clear_cache()
    assert workdays.year_confirmed(2027) is False  # its days are not entered yet
    assert workdays.add_workdays(D("2026-12-31"), 1).confirmed is False


def test_the_put_endpoint_is_staff_only_and_recomputes_every_stored_date(api, personas, demo):
    interview = _late_trigger(demo, personas)
    assert interview.hold_by_confirmed is False
    old = interview.hold_by
    assert api(personas["official_jn"]).put(PUT, BODY_2027, format="json").status_code == 403
    assert api().put(PUT, BODY_2027, format="json").status_code == 401
    r = api(personas["sysadmin"]).put(PUT, BODY_2027, format="json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["year"] == 2027 and body["confirmed"] is True and body["moved"] >= 1
    interview.refresh_from_db()
    assert interview.hold_by_confirmed is True and interview.hold_by == old + dt.timedelta(days=1)
    row = Deadline.objects.get(object_id=interview.pk, rule="interview.hold_by")
    assert (row.due_on, row.confirmed) == (interview.hold_by, True)
    ct = ContentType.objects.get_for_model(Interview)
    logged = Transition.objects.filter(content_type=ct, object_id=interview.pk, data__step="calendar").get()
    assert logged.data["hold_by"]["new"] == interview.hold_by.isoformat()
    assert Transition.objects.filter(object_id=row.pk, to_status=str(row.due_on)).exists()


def test_the_put_endpoint_refuses_dates_of_another_year_and_weekday_make_up_days(api, personas, db):
    client = api(personas["sysadmin"])
    r = client.put(PUT, {"holidays": ["2026-01-01"], "workdays": []}, format="json")
    assert r.status_code == 400 and "2027" in r.json()["holidays"][0]
    r = client.put(PUT, {"holidays": [], "workdays": ["2027-01-04"]}, format="json")  # a Monday
    assert r.status_code == 400 and "workdays" in r.json()
    assert client.put(PUT, {"holidays": "x"}, format="json").status_code == 400
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_adding_a_day_in_the_admin_recomputes_at_once(client, personas, demo):
    interview = _late_trigger(demo, personas)
    old = interview.hold_by
    client.force_login(personas["sysadmin"])
    r = client.post("/admin/workdays/calendarday/add/", {"date": "2027-01-01", "is_workday": "", "note": "元旦"})
    assert r.status_code == 302, r.content[:500]
    interview.refresh_from_db()
    assert interview.hold_by == old + dt.timedelta(days=1)
    assert interview.hold_by_confirmed is False  # one day is not the year's schedule
    # deleting it in the admin moves the date back
    day = CalendarDay.objects.get(date=D("2027-01-01"))
    r = client.post(f"/admin/workdays/calendarday/{day.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302
    interview.refresh_from_db()
    assert interview.hold_by == old


def test_a_correction_inside_a_covered_year_moves_the_dates_and_the_hold_check_follows(demo, personas):
    from django.core.exceptions import ValidationError

    from interviews import services
    from qms.workdays.services import calendar_day_set

    # notified Friday 2026-11-20: the 3rd working day after it is Wednesday 2026-11-25 (Art. 46 (二))
    i = notified(demo, personas, trigger="2026-11-10", notified_on="2026-11-20", scheduled="2026-11-26")
    assert i.earliest_hold_on == D("2026-11-25")
    calendar_day_set(day=D("2026-11-24"), is_workday=False, note="国务院调整（测试）")  # item 1: a correction
    i.refresh_from_db()
    assert (i.earliest_hold_on, i.earliest_hold_on_confirmed) == (D("2026-11-26"), True)  # item 2
    with pytest.raises(ValidationError) as err:
        services.interview_hold(interview=i, actor=personas["official_jn"], held_at=at(D("2026-11-25")),
                                interviewers=[{"name": "a", "is_head": True}, {"name": "b"}],
                                interviewees=[{"name": "c", "is_principal": True}, {"name": "d"}], record="r",
                                problem_scale="general", rectification_deadline=D("2026-12-20"), form_signed=True)
    assert "第四十六条（二）" in str(err.value) and "2026-11-26" in str(err.value)


def test_the_management_command_enters_a_year_and_corrects_a_day(demo, personas):
    interview = _late_trigger(demo, personas)
    old = interview.hold_by
    call_command("calendar_year", "2027", holidays="2027-01-01", workdays="", source="测试", stdout=open("/dev/null", "w"))
    interview.refresh_from_db()
    assert (interview.hold_by, interview.hold_by_confirmed) == (old + dt.timedelta(days=1), True)
    call_command("calendar_year", day="2027-01-04", off=True, note="更正", stdout=open("/dev/null", "w"))
    interview.refresh_from_db()
    assert interview.hold_by == old + dt.timedelta(days=2)


def test_a_monthly_report_due_date_follows_the_schedule(demo, personas):
    from indicators.services import monthly_report_open

    report = monthly_report_open(department=demo.dept("H001", "CARD"), period=D("2026-12-01"))
    assert report.due_confirmed is False  # the 5th working day of January 2027
    old = report.due_on
    from qms.workdays.services import calendar_year_set

    calendar_year_set(year=2027, holidays=[D("2027-01-01")], workdays=[])
    report.refresh_from_db()
    assert (report.due_on, report.due_confirmed) == (old + dt.timedelta(days=1), True)
    row = Deadline.objects.get(object_id=report.pk, rule="monthly_report.due")
    assert (row.due_on, row.confirmed) == (report.due_on, True)


def test_an_event_deadline_row_follows_the_schedule(demo, personas):
    """Events and action items keep their working-day dates only in Deadline rows: those move too."""
    from qms.core.services import deadline_open
    from qms.workdays.services import calendar_year_set

    inst = demo.institutions["H001"]
    row = deadline_open(obj=inst, rule="event.receive", label="受理", due_on=D("2027-01-01"), confirmed=False,
                        basis_date=D("2026-12-31"), workdays=1, institution=inst)
    calendar_year_set(year=2027, holidays=[D("2027-01-01")], workdays=[])
    row.refresh_from_db()
    assert (row.due_on, row.confirmed) == (D("2027-01-04"), True)
