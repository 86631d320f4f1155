"""Issue 14: the official's home page shows the authority's work, not each hospital's internal deadlines."""
import pytest
from django.test import Client

from qms.core.models import Deadline


@pytest.mark.django_db
def test_the_officials_home_lists_the_authoritys_deadlines_and_no_hospital_internal_ones(full_demo):
    official = full_demo.users["official_jn"]
    internal = Deadline.objects.filter(done_at__isnull=True, authority__isnull=True, institution__isnull=False)
    assert internal.exists(), "the demo has hospital-internal deadlines (receipts, department reports)"
    client = Client()
    client.force_login(official)
    response = client.get("/")
    html, due = response.content.decode(), list(response.context["due"])
    assert due, "the official has the authority's own deadlines to follow"
    assert all(d.authority_id is not None or d.responsible_id == official.pk for d in due)
    for d in internal.filter(rule__startswith="event.")[:3]:
        assert d.label not in html
    # The hospital's quality office still sees its internal receipts.
    qc = Client()
    qc.force_login(full_demo.users["qc_office"])
    assert any(d.authority_id is None for d in qc.get("/").context["due"])
