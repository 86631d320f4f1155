"""Issue 12 items 14, 15: Art. 12 ¶2 chair of a department meeting; a month counts only with a quorum."""
import pytest
from django.core.exceptions import ValidationError

from committees import services
from committees.selectors import compliance_grid
from tests.committees.conftest import at

pytestmark = pytest.mark.django_db


def test_a_department_meeting_is_chaired_by_its_head_or_the_named_deputy(card_body, personas):
    qc = personas["qc_office"]
    with pytest.raises(ValidationError) as err:
        services.meeting_plan(body=card_body, actor=qc, starts_at=at(2025, 3, 20), place="p", chair=personas["staff_nurse"])
    assert "第十二条第二款" in str(err.value)
    services.body_update(body=card_body, actor=qc, deputy_chair=personas["staff_nurse"])
    services.meeting_plan(body=card_body, actor=qc, starts_at=at(2025, 3, 20), place="p", chair=personas["staff_nurse"])
    services.meeting_plan(body=card_body, actor=qc, starts_at=at(2025, 3, 21), place="p",
                          chair=personas["head_cardiology"])


def test_a_meeting_without_quorum_shows_as_such_and_does_not_meet_the_month(card_body, make_meeting, bodies):
    make_meeting(card_body, at(2025, 3, 20), present=0)
    make_meeting(card_body, at(2025, 4, 20))
    grid = compliance_grid(institution_id=card_body.institution_id, year=2025, month_from=3, month_to=4)
    row = next(r for r in grid["rows"] if r["body_id"] == card_body.pk)
    assert [c["status"] for c in row["cells"]] == ["no_quorum", "ok"]
    assert row["missing"] == 1
