"""The REST contract of API.md: POST /api/v1/bulletins/ → 202 with id and progress URL; PDF when ready."""
import datetime as dt

import pytest
from django.utils import timezone

from bulletins.models import Bulletin
from bulletins.workflow import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(api, django_capture_on_commit_callbacks):
    def do(user, body, **headers):
        with django_capture_on_commit_callbacks(execute=True):
            return api(user).post("/api/v1/bulletins/", body, format="json", **headers)

    return do


@pytest.fixture
def published(personas, post, api):
    r = post(personas["qc_office"], {"institution": "H001", "period": "2025-02"})
    assert r.status_code == 202, r.content
    r2 = api(personas["qc_office"]).post(f"/api/v1/bulletins/{r.data['id']}/publish/")
    assert r2.status_code == 200, r2.content
    return Bulletin.objects.get(pk=r.data["id"])


def test_it_starts_a_bulletin_and_answers_202_with_a_progress_url(personas, post, api):
    r = post(personas["qc_office"], {"institution": "H001", "period": "2025-02"})
    assert r.status_code == 202
    assert r.data["progress"].endswith(f"/api/v1/bulletins/{r.data['id']}/progress/")
    progress = api(personas["qc_office"]).get(r.data["progress"])
    assert progress.status_code == 200
    assert progress.json()["status"] == "ready" and progress.json()["percent"] == 100 and progress.json()["step"]
    pdf = api(personas["qc_office"]).get(f"/api/v1/bulletins/{r.data['id']}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert "attachment" in pdf["Content-Disposition"] and pdf["X-Content-Type-Options"] == "nosniff"


def test_it_refuses_a_future_month_in_chinese(personas, post):
    today = timezone.localdate()
    nxt = today.replace(day=28) + dt.timedelta(days=5)
    r = post(personas["qc_office"], {"institution": "H001", "period": f"{nxt:%Y-%m}"})
    assert r.status_code == 400 and "尚未到来" in r.json()["period"][0]
    assert not Bulletin.objects.exists()


@pytest.mark.parametrize("body, field", [
    ({"institution": "H001", "period": "2025-13"}, "period"),
    ({"institution": "H001", "period": "202502"}, "period"),
    ({"institution": "H001", "period": 202502}, "period"),
    ({"institution": "NOPE", "period": "2025-02"}, "institution"),
    ({"period": "2025-02"}, "institution"),
])
def test_it_answers_bad_input_with_field_errors(personas, post, body, field):
    r = post(personas["qc_office"], body)
    assert r.status_code == 400 and field in r.json()


def test_it_answers_malformed_json_with_400(personas, api):
    r = api(personas["qc_office"]).post("/api/v1/bulletins/", "{not json", content_type="application/json")
    assert r.status_code == 400 and "non_field_errors" in r.json()


def test_it_hides_another_hospitals_bulletin(personas, post, api):
    r = post(personas["qc_office"], {"institution": "H001", "period": "2025-02"})
    other = api(personas["qc_office_h002"])
    for path in ("", "progress/", "pdf/"):
        assert other.get(f"/api/v1/bulletins/{r.data['id']}/{path}").status_code == 404
    assert other.post(f"/api/v1/bulletins/{r.data['id']}/publish/").status_code == 404
    assert other.get("/api/v1/bulletins/").json()["count"] == 0
    # starting one for another hospital: the same answer as an unknown code
    r2 = post(personas["qc_office_h002"], {"institution": "H001", "period": "2025-02"})
    assert r2.status_code == 400 and "institution" in r2.json()


def test_it_lets_the_principal_read_but_not_publish(personas, post, api):
    r = post(personas["qc_office"], {"institution": "H001", "period": "2025-02"})
    principal = api(personas["principal"])
    assert principal.get(f"/api/v1/bulletins/{r.data['id']}/").status_code == 200
    assert principal.post(f"/api/v1/bulletins/{r.data['id']}/publish/").status_code == 403
    assert post(personas["principal"], {"institution": "H001", "period": "2025-03"}).status_code == 403


def test_it_shows_officials_published_bulletins_only(personas, post, api, published):
    draft = post(personas["qc_office"], {"institution": "H001", "period": "2025-04"}).data["id"]
    for name in ("official_jn", "official_jn2"):
        client = api(personas[name])
        assert client.get(f"/api/v1/bulletins/{published.pk}/").status_code == 200
        assert client.get(f"/api/v1/bulletins/{published.pk}/pdf/").status_code == 200
        assert client.get(f"/api/v1/bulletins/{draft}/").status_code == 404
        assert client.post(f"/api/v1/bulletins/{published.pk}/commentary/", {"foreword": "x"},
                           format="json").status_code == 403
    # LX is below JN: H001 (registered with JN) is outside its reach
    assert api(personas["official_lx"]).get(f"/api/v1/bulletins/{published.pk}/").status_code == 404
    # the hospital's departments read the published issue, not the draft
    nurse = api(personas["staff_nurse"])
    assert nurse.get(f"/api/v1/bulletins/{published.pk}/").status_code == 200
    assert nurse.get(f"/api/v1/bulletins/{draft}/").status_code == 404


def test_it_says_not_ready_before_the_pdf_exists(personas, api, demo):
    b = Bulletin.objects.create(institution=demo.institutions["H001"], year=2025, month=5,
                                status=Status.GENERATING, progress=40, step="统计不良事件")
    r = api(personas["qc_office"]).get(f"/api/v1/bulletins/{b.pk}/pdf/")
    assert r.status_code == 409
    assert r.json()["percent"] == 40 and r.json()["step"] == "统计不良事件" and r.json()["progress_url"]


def test_it_replays_an_idempotent_start(personas, post):
    a = post(personas["qc_office"], {"institution": "H001", "period": "2025-02"}, HTTP_IDEMPOTENCY_KEY="k1")
    b = post(personas["qc_office"], {"institution": "H001", "period": "2025-02"}, HTTP_IDEMPOTENCY_KEY="k1")
    c = post(personas["qc_office"], {"institution": "H001", "period": "2025-03"}, HTTP_IDEMPOTENCY_KEY="k1")
    assert a.status_code == b.status_code == 202 and a.data["id"] == b.data["id"]
    assert b["Idempotent-Replayed"] == "true" and c.status_code == 409
    assert Bulletin.objects.count() == 1


def test_it_starts_a_new_version_of_a_published_month(personas, post, published):
    r = post(personas["qc_office"], {"institution": "H001", "period": "2025-02"})
    assert r.status_code == 202 and r.data["id"] != published.pk and r.data["version"] == 2
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED


def test_it_edits_commentary_through_the_api(personas, api, post, django_capture_on_commit_callbacks):
    bid = post(personas["qc_office"], {"institution": "H001", "period": "2025-02"}).data["id"]
    client = api(personas["qc_office"])
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/api/v1/bulletins/{bid}/commentary/",
                        {"foreword": "卷首语", "commentary": {"events": "评述"}}, format="json")
    assert r.status_code == 200 and r.data["commentary"] == {"events": "评述"}
    bad = client.post(f"/api/v1/bulletins/{bid}/commentary/", {"commentary": {"x": "y"}}, format="json")
    assert bad.status_code == 400 and "commentary" in bad.json()
    bad = client.post(f"/api/v1/bulletins/{bid}/commentary/", {"commentary": "text"}, format="json")
    assert bad.status_code == 400


def test_it_lists_with_a_bounded_number_of_queries(personas, api, demo, django_assert_max_num_queries):
    for month in range(1, 13):
        Bulletin.objects.create(institution=demo.institutions["H001"], year=2024, month=month,
                                status=Status.PUBLISHED)
    client = api(personas["official_jn"])
    with django_assert_max_num_queries(10):
        r = client.get("/api/v1/bulletins/?institution=H001")
    assert r.json()["count"] == 12
    assert client.get("/api/v1/bulletins/?period=2024-03").json()["count"] == 1
