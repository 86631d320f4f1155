"""Issue 21: the verdict beside the action's verification, in the committee's agenda when a verified action left
the indicator unchanged, and in the bulletin."""
import pytest

from indicators import selectors, services
from qms.extensions import AGENDA_SOURCES, BULLETIN_SECTIONS, VERIFIED_LOOKUPS
from tests.indicators.test_interventions import _series

pytestmark = pytest.mark.django_db


def _rectification(demo, personas, last_month, status):
    from rectifications.models import Rectification

    return Rectification.objects.create(institution=demo.institutions["H001"], source_kind="inspection",
                                        problem="术前评估不规范", due_on=last_month, status=status,
                                        created_by=personas["qc_office"])


def _intervene(demo, personas, last_month, rect, months_back=11):
    return services.intervention_record(
        indicator="ZB03", institution=demo.institutions["H001"], title="术前评估核查表",
        implemented_on=services.add_months(last_month, -months_back), source_kind="rectification",
        source_id=rect.pk, source_url=f"/rectifications/{rect.pk}/", actor=personas["qc_office"])


def test_the_rectification_page_shows_the_verdict(demo, client, personas, last_month):
    _series(demo.institutions["H001"], last_month, [4, 6] * 6 + [1, 2] * 6)
    rect = _rectification(demo, personas, last_month, "verified")
    _intervene(demo, personas, last_month, rect)
    client.force_login(personas["qc_office"])
    html = client.get(f"/rectifications/{rect.pk}/").content.decode()
    block = html.split('id="indicator-verdicts"')[1].split("</div>")[0]
    assert 'data-verdict="improved"' in block and "ZB03" in block


def test_a_verified_action_with_no_change_reaches_the_agenda_and_an_open_one_does_not(demo, personas, last_month):
    assert selectors.intervention_agenda_items in AGENDA_SOURCES and "rectification" in VERIFIED_LOOKUPS
    assert "action_item" in VERIFIED_LOOKUPS
    _series(demo.institutions["H001"], last_month, [4, 6] * 12)  # noise only: no change
    done = _rectification(demo, personas, last_month, "verified")
    still_open = _rectification(demo, personas, last_month, "open")
    _intervene(demo, personas, last_month, done)
    _intervene(demo, personas, last_month, still_open, months_back=10)
    until = services.month_end(services.add_months(last_month, 1))
    items = selectors.intervention_agenda_items(institution=demo.institutions["H001"], department=None,
                                                since=None, until=until)
    assert len(items) == 1 and items[0]["kind"] == "intervention_no_change" and "暂未见改变" in items[0]["title"]


def test_the_bulletin_section_lists_each_intervention_with_its_verdict(demo, personas, last_month):
    assert any(s.key == "interventions" for s in BULLETIN_SECTIONS)
    _series(demo.institutions["H001"], last_month, [4, 6] * 6 + [8, 9] * 6)
    rect = _rectification(demo, personas, last_month, "verified")
    _intervene(demo, personas, last_month, rect)
    out = selectors.bulletin_section(institution=demo.institutions["H001"], year=last_month.year,
                                     month=last_month.month)
    assert out["available"] and out["tables"][0]["rows"][0][3] == "恶化"
    assert out["focus"] and "术前评估核查表" in out["focus"][0]
    empty = selectors.bulletin_section(institution=demo.institutions["H002"], year=last_month.year,
                                       month=last_month.month)
    assert not empty["available"]
