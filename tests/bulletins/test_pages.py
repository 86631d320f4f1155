import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from bulletins.models import Bulletin
from bulletins.workflow import Status

pytestmark = pytest.mark.django_db


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_it_starts_from_the_form_and_shows_progress(personas, django_capture_on_commit_callbacks):
    c = _client(personas["qc_office"])
    assert c.get("/bulletins/new/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post("/bulletins/new/", {"institution": "H001", "period": "2025-06"})
    b = Bulletin.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/bulletins/{b.pk}/"
    page = c.get(r["Location"]).content.decode()
    assert 'id="bulletin-progress"' in page and f'data-progress-url="/api/v1/bulletins/{b.pk}/progress/"' in page
    assert "bulletins/progress.js" in page and "<script>" not in page  # CSP: no inline script
    assert 'id="publish"' in page


def test_it_keeps_what_was_typed_when_the_month_is_in_the_future(personas):
    today = timezone.localdate()
    nxt = today.replace(day=28) + dt.timedelta(days=5)
    r = _client(personas["qc_office"]).post("/bulletins/new/", {"institution": "H001", "period": f"{nxt:%Y-%m}"})
    assert r.status_code == 200
    body = r.content.decode()
    assert "尚未到来" in body and f'value="{nxt:%Y-%m}"' in body
    assert not Bulletin.objects.exists()


def test_it_edits_and_publishes_from_the_pages(personas, django_capture_on_commit_callbacks):
    c = _client(personas["qc_office"])
    with django_capture_on_commit_callbacks(execute=True):
        c.post("/bulletins/new/", {"institution": "H001", "period": "2025-06"})
    b = Bulletin.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(f"/bulletins/{b.pk}/edit/", {"foreword": "各位同事：", "c_summary": "总体平稳"})
    assert r.status_code == 302
    r = c.post(f"/bulletins/{b.pk}/publish/")
    b.refresh_from_db()
    assert b.status == Status.PUBLISHED and b.commentary == {"summary": "总体平稳"}
    assert c.get(f"/bulletins/{b.pk}/edit/").status_code == 200  # the form shows, the service refuses
    r = c.post(f"/bulletins/{b.pk}/edit/", {"foreword": "改"})
    assert r.status_code == 200 and "不能修改" in r.content.decode()
    pdf = c.get(f"/bulletins/{b.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_it_hides_pages_from_another_hospital_and_forbids_the_principal(personas, demo):
    b = Bulletin.objects.create(institution=demo.institutions["H001"], year=2025, month=6, status=Status.READY)
    other = _client(personas["qc_office_h002"])
    for path in ("", "edit/", "pdf/"):
        assert other.get(f"/bulletins/{b.pk}/{path}").status_code == 404
    assert other.post(f"/bulletins/{b.pk}/publish/").status_code == 404
    principal = _client(personas["principal"])
    assert principal.get(f"/bulletins/{b.pk}/").status_code == 200
    assert principal.post(f"/bulletins/{b.pk}/publish/").status_code == 403
    assert principal.get("/bulletins/new/").status_code == 403


def test_it_lists_issues_with_a_bounded_number_of_queries(personas, demo, django_assert_max_num_queries):
    for month in range(1, 13):
        Bulletin.objects.create(institution=demo.institutions["H001"], year=2024, month=month,
                                status=Status.PUBLISHED)
    c = _client(personas["official_jn"])
    with django_assert_max_num_queries(15):
        r = c.get("/bulletins/")
    assert r.status_code == 200 and r.content.decode().count('class="bulletin-row"') == 12
