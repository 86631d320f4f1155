"""The Art. 45–51 dates on the statutory calendar: holidays, make-up working days, calendar months, 2027."""
import datetime as dt

import pytest

from interviews import deadlines as dl
from interviews.services import interview_dates_resync, interview_trigger
from qms.core.models import Deadline

D = dt.date
pytestmark = pytest.mark.django_db  # the calendar reads administrators' corrections from the database


def test_it_skips_the_spring_festival_and_counts_its_make_up_sunday():
    # 2025 春节: 28 Jan – 4 Feb off; Sunday 26 Jan is a working day.
    result = dl.earliest_interview_date(D(2025, 1, 24))  # Friday
    assert result == dl.earliest_interview_date(D(2025, 1, 24))
    assert result.date == D(2025, 2, 5) and result.confirmed  # 26 Jan, 27 Jan, 5 Feb


def test_it_skips_national_day_and_counts_the_make_up_saturday():
    # 2025 国庆中秋: 1–8 Oct off; Saturday 11 Oct is a working day.
    report = dl.rectification_report_due(D(2025, 9, 30))
    assert report.date == D(2025, 10, 14) and report.confirmed  # 9, 10, 11 (Sat), 13, 14
    # 28 Sep (Sun) counts: 28, 29, 30, 9, 10, 11 (Sat), 13, 14, 15, 16
    assert dl.upward_report_due(D(2025, 9, 26)).date == D(2025, 10, 16)


def test_it_puts_hold_by_thirty_working_days_after_the_trigger_across_national_day():
    # after 2 Sep: 3–5 (3) | 8–12 (8) | 15–19 (13) | 22–26 (18) | 28 Sun, 29, 30 (21) | 9, 10, 11 Sat (24) |
    # 13–17 (29) | 20 (30)
    assert dl.hold_by(D(2025, 9, 2)).date == D(2025, 10, 20)


def test_it_counts_the_february_make_up_saturday():
    # 8 Feb 2025 (Saturday) is a working day after the Spring Festival.
    assert dl.earliest_interview_date(D(2025, 2, 6)).date == D(2025, 2, 10)  # 7, 8 (Sat), 10


@pytest.mark.parametrize(
    ("held", "scale", "limit"),
    [
        (D(2025, 1, 31), "general", D(2025, 2, 28)),
        (D(2024, 1, 31), "general", D(2024, 2, 29)),  # leap year
        (D(2025, 3, 31), "general", D(2025, 4, 30)),
        (D(2025, 11, 30), "major", D(2026, 2, 28)),
        (D(2025, 6, 15), "major", D(2025, 9, 15)),
    ],
)
def test_it_limits_the_rectification_deadline_in_calendar_months(held, scale, limit):
    assert dl.rectification_limit(held, scale) == limit


def test_it_gives_the_half_year_summary_dates():
    assert dl.half_year_due(2026, 1) == D(2026, 6, 30)
    assert dl.half_year_due(2026, 2) == D(2026, 12, 31)
    assert dl.half_year_of(D(2026, 7, 1)) == (2026, 2)


def test_it_marks_dates_in_an_unpublished_year_unconfirmed_and_recomputes_them_once_entered(demo, personas):
    from qms.workdays.services import calendar_year_set

    assert dl.rectification_report_due(D(2026, 12, 31)) == dl.rectification_report_due(D(2026, 12, 31))
    fallback = dl.rectification_report_due(D(2026, 12, 31))
    assert fallback.date == D(2027, 1, 7) and fallback.confirmed is False  # Monday–Friday: 1 Jan counts
    interview = interview_trigger(institution=demo.institutions["H001"], ground=4, trigger_date=D(2026, 11, 20),
                                  problems="x", actor=personas["official_jn"])
    assert interview.hold_by_confirmed is False
    old = interview.hold_by
    # issue 12: the schedule changes only through the calendar service, which recomputes in the same step
    calendar_year_set(year=2027, holidays=[D(2027, 1, 1)], workdays=[], source="测试")
    row = Deadline.objects.get(rule="interview.hold_by", object_id=interview.pk)
    assert row.confirmed is True and row.due_on == old + dt.timedelta(days=1 if old.weekday() < 4 else 3)
    # the calendar hook has already copied the new date onto the interview; a second resync changes nothing
    interview.refresh_from_db()
    assert interview.hold_by == row.due_on and interview.hold_by_confirmed is True
    assert interview_dates_resync(year=2027) == 0
