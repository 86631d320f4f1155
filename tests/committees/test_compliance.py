import datetime as dt

from committees import selectors, services
from committees.models import Meeting
from tests.committees.conftest import at


def _cells(grid, body):
    row = next(r for r in grid["rows"] if r["body_id"] == body.pk)
    return {f"{c['year']}-{c['month']:02d}": c["status"] for c in row["cells"]}


def test_it_buckets_meetings_by_local_month_across_a_year_boundary(committee, card_body, make_meeting, personas):
    # 23:30 on 31 Dec in Shanghai is still December; 00:30 on 1 Jan is January (15:30 / 16:30 UTC on 31 Dec).
    make_meeting(committee, at(2025, 12, 31, 23, 30))
    make_meeting(card_body, at(2026, 1, 1, 0, 30))
    make_meeting(committee, at(2026, 2, 3))
    grid = selectors.compliance_grid_span(
        institution_id=committee.institution_id, first=(2025, 11), last=(2026, 3), today=dt.date(2026, 3, 10)
    )
    assert [m.isoformat() for m in grid["months"]] == ["2025-11-01", "2025-12-01", "2026-01-01", "2026-02-01", "2026-03-01"]
    assert _cells(grid, committee) == {"2025-11": "missing", "2025-12": "ok", "2026-01": "missing", "2026-02": "ok", "2026-03": "open"}
    assert _cells(grid, card_body) == {"2025-11": "missing", "2025-12": "missing", "2026-01": "ok", "2026-02": "missing", "2026-03": "open"}
    assert grid["rows"][0]["kind"] == "committee"  # the committee first, then the departments (Art. 12)
    assert len(grid["rows"]) == 19


def test_it_counts_only_held_meetings_and_ignores_other_hospitals(committee, bodies, make_meeting, personas):
    services.meeting_plan(body=committee, actor=personas["qc_office"], starts_at=at(2026, 4, 2), place="x")  # planned only
    from committees.models import MeetingBody

    h2 = MeetingBody.objects.get(institution=bodies.institutions["H002"], kind="committee")
    make_meeting(h2, at(2026, 4, 3))
    grid = selectors.compliance_grid(institution_id=committee.institution_id, year=2026, month_from=4, month_to=5,
                                     today=dt.date(2026, 6, 1))
    assert _cells(grid, committee) == {"2026-04": "missing", "2026-05": "missing"}
    assert grid["gaps"] == 19 * 2


def test_it_marks_months_before_the_body_existed_and_future_months(committee, make_meeting):
    committee.active_from = dt.date(2026, 2, 15)
    committee.save()
    grid = selectors.compliance_grid(institution_id=committee.institution_id, year=2026, month_from=1, month_to=6,
                                     today=dt.date(2026, 4, 2))
    assert _cells(grid, committee) == {"2026-01": "na", "2026-02": "missing", "2026-03": "missing", "2026-04": "open",
                                       "2026-05": "future", "2026-06": "future"}


def test_it_summarises_a_month_for_the_bulletin(committee, make_meeting, add_item, personas):
    meeting = make_meeting(committee, at(2025, 12, 5))
    late = add_item(meeting, dt.date(2025, 12, 20), title="逾期事项")
    done = add_item(meeting, dt.date(2026, 1, 5), title="跨年期限")
    services.action_item_mark_done(item=done, actor=personas["head_cardiology"], evidence_text="完成")
    summary = selectors.monthly_summary(institution_id=committee.institution_id, year=2025, month=12, today=dt.date(2026, 1, 10))
    assert summary["meetings_held"] == 1
    committee_row = next(b for b in summary["bodies"] if b["kind"] == "committee")
    assert committee_row["held"] == 1 and not committee_row["missing"]
    assert len(summary["bodies_missing"]) == 18
    assert [d["text"] for d in summary["decisions"]] == ["会议决议", "会议决议"]
    assert summary["action_items"]["opened"] == 2
    # at the end of December both were unfinished, but only one was past its due date
    assert summary["action_items"]["overdue"] == 1
    assert summary["action_items"]["open_total"] == 1
    assert late.pk and Meeting.objects.count() == 1
