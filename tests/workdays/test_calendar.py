import datetime as dt

import pytest

from qms import workdays
from qms.workdays.models import CalendarDay
from qms.workdays.services import calendar_year_enter

D = dt.date.fromisoformat
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # 2025 National Day and Mid-Autumn: off 1–8 Oct, make-up Sunday 28 Sep and Saturday 11 Oct.
        ("2025-09-26", 1, "2025-09-28"),
        ("2025-09-28", 1, "2025-09-29"),
        ("2025-09-30", 1, "2025-10-09"),
        ("2025-09-30", 3, "2025-10-11"),
        ("2025-09-30", 4, "2025-10-13"),
        ("2025-10-01", 1, "2025-10-09"),  # from a holiday: the next working day, not one later
        # 2026 Spring Festival: off 15–23 Feb, make-up Saturdays 14 and 28 Feb.
        ("2026-02-13", 1, "2026-02-14"),
        ("2026-02-13", 2, "2026-02-24"),
        ("2026-02-27", 1, "2026-02-28"),
        ("2026-02-10", 30, "2026-03-30"),
        # 2026 Labour Day: off 1–5 May, make-up Saturday 9 May.
        ("2026-04-30", 1, "2026-05-06"),
        ("2026-05-08", 1, "2026-05-09"),
        ("2026-05-09", 1, "2026-05-11"),
        # zero days is the start itself
        ("2026-05-02", 0, "2026-05-02"),
    ],
)
def test_it_counts_working_days_over_the_hard_cases(start, days, expected):
    result = workdays.add_workdays(D(start), days)
    assert result.date == D(expected)
    assert result.confirmed is True


def test_it_knows_make_up_days_and_ordinary_weekends():
    assert workdays.is_workday(D("2025-09-28")) == (True, True)  # Sunday, make-up
    assert workdays.is_workday(D("2025-10-11")) == (True, True)  # Saturday, make-up
    assert workdays.is_workday(D("2026-02-14")) == (True, True)
    assert workdays.is_workday(D("2026-02-16")) == (False, True)  # Monday in the Spring Festival
    assert workdays.is_workday(D("2026-11-21")) == (False, True)  # an ordinary Saturday


def test_it_falls_back_to_monday_to_friday_unconfirmed_for_an_unpublished_year():
    # 2027 is not in the package: 1 Jan 2027 is a Friday and counts, unconfirmed.
    result = workdays.add_workdays(D("2026-12-31"), 1)
    assert result == workdays.WorkdayResult(D("2027-01-01"), False)
    assert workdays.add_workdays(D("2026-12-30"), 1).confirmed is True  # nothing counted in 2027
    assert workdays.is_workday(D("2027-01-02")) == (False, False)


def test_it_uses_the_entered_schedule_once_the_year_is_entered():
    calendar_year_enter(
        year=2027,
        holidays=[D("2027-01-01"), D("2027-01-02"), D("2027-01-03")],
        makeup_workdays=[],
        source="test",
    )
    result = workdays.add_workdays(D("2026-12-31"), 1)
    assert result == workdays.WorkdayResult(D("2027-01-04"), True)


def test_an_entered_day_overrides_the_package():
    CalendarDay.objects.create(date=D("2026-11-23"), is_workday=False, note="correction")
    workdays.clear_cache()
    assert workdays.is_workday(D("2026-11-23")) == (False, True)
    assert workdays.add_workdays(D("2026-11-20"), 1).date == D("2026-11-24")


def test_it_counts_working_days_between_two_dates():
    assert workdays.workdays_between(D("2025-09-30"), D("2025-10-11")) == (3, True)
    assert workdays.workdays_between(D("2025-10-11"), D("2025-09-30")) == (-3, True)
    assert workdays.workdays_between(D("2026-12-31"), D("2027-01-05"))[1] is False


def test_the_nth_working_day_of_a_month():
    # February 2026: 2,3,4,5,6 → the 5th working day is the 6th
    assert workdays.nth_workday_of_month(2026, 2, 5).date == D("2026-02-06")
    # October 2026: 1–7 off, Saturday 10 Oct is a make-up day: 8, 9, 10, 12, 13
    assert workdays.nth_workday_of_month(2026, 10, 5).date == D("2026-10-13")


def test_entering_a_year_recomputes_open_deadlines_that_fall_in_it(demo):
    from qms.core.models import Deadline, Transition
    from qms.core.services import deadline_open

    inst = demo.institutions["H001"]
    result = workdays.add_workdays(D("2026-12-31"), 1)
    deadline = deadline_open(
        obj=inst, rule="interview.hold_by", label="测试", due_on=result.date, confirmed=result.confirmed,
        basis_date=D("2026-12-31"), workdays=1, institution=inst,
    )
    assert deadline.due_on == D("2027-01-01") and not deadline.confirmed
    changed = calendar_year_enter(year=2027, holidays=[D("2027-01-01")], makeup_workdays=[])
    deadline = Deadline.objects.get(pk=deadline.pk)
    assert (deadline.due_on, deadline.confirmed) == (D("2027-01-04"), True)
    assert changed == [(deadline.pk, D("2027-01-01"), D("2027-01-04"))]
    assert Transition.objects.filter(object_id=deadline.pk, to_status="2027-01-04").exists()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("start=2025-09-30&days=1", {"start": "2025-09-30", "days": 1, "date": "2025-10-09", "confirmed": True}),
        ("start=2026-02-13&days=2", {"start": "2026-02-13", "days": 2, "date": "2026-02-24", "confirmed": True}),
        ("start=2026-12-31&days=3", {"start": "2026-12-31", "days": 3, "date": "2027-01-05", "confirmed": False}),
    ],
)
def test_the_calendar_endpoint_answers(api, personas, query, expected):
    response = api(personas["staff_nurse"]).get(f"/api/v1/calendar/add-workdays/?{query}")
    assert response.status_code == 200
    assert response.json() == expected


@pytest.mark.parametrize("query", ["start=2026-02-30&days=1", "start=2026-02-01&days=-1", "days=1", "start=x&days=y"])
def test_the_calendar_endpoint_refuses_bad_input_with_400(api, personas, query):
    response = api(personas["staff_nurse"]).get(f"/api/v1/calendar/add-workdays/?{query}")
    assert response.status_code == 400
    assert isinstance(response.json(), dict)


def test_the_calendar_endpoint_needs_credentials(api, db):
    assert api().get("/api/v1/calendar/add-workdays/?start=2026-01-01&days=1").status_code == 401
