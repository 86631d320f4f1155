"""Issue 19 in English and in the demo: seed_demo builds a sampled review round with a submitted review and
a register of each kind (Art. 36, 38); their pages and API errors are English under Accept-Language: en."""
from __future__ import annotations

import re

import pytest
from django.test import Client

from case_reviews.models import CaseReview, ReviewRound
from case_reviews.workflow import RoundStatus, Status
from safety_info.models import EventExport, SafetyRecord
from safety_info.workflow import Kind
from tests.i18n.crawl import _visible, data_values, leftovers

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]")


@pytest.fixture
def seeded(demo):
    """The organisation, then the two apps' own demo (what seed_demo runs for them), without the other apps."""
    from case_reviews import demo as case_demo
    from safety_info import demo as register_demo

    case_demo.seed(demo)
    register_demo.seed(demo)
    return demo


def test_it_seeds_a_review_round_and_a_register_of_each_kind(full_demo):
    rnd = ReviewRound.objects.get(authority__code="JN")
    assert rnd.status == RoundStatus.SAMPLED and rnd.seed is not None and rnd.draw["hospitals"].keys() == {"H001", "H002"}
    reviews = CaseReview.objects.filter(round=rnd)
    assert reviews.filter(how=CaseReview.How.MANUAL).exists()  # a death added by hand
    mine = reviews.filter(reviewer__username="qc_expert")
    assert mine.count() == 2 and mine.filter(status=Status.SUBMITTED).count() == 1
    submitted = mine.get(status=Status.SUBMITTED)
    assert submitted.findings.filter(severity="serious", rectification__isnull=False).exists()
    assert set(SafetyRecord.objects.values_list("kind", flat=True)) == set(Kind.values)
    assert any(r.is_art45_ground1 for r in SafetyRecord.objects.filter(kind=Kind.MALPRACTICE))
    assert SafetyRecord.objects.filter(kind=Kind.DISPUTE, status="closed").exclude(lessons="").exists()
    assert EventExport.objects.filter(institution__code="H001").exists()


def test_it_shows_the_reviews_and_the_register_in_english(seeded):
    data = re.compile("|".join(re.escape(v) for v in data_values()))
    review = CaseReview.objects.filter(reviewer__username="qc_expert", status=Status.SUBMITTED).first()
    pending = CaseReview.objects.filter(reviewer__username="qc_expert", status=Status.ASSIGNED).first()
    rnd = review.round
    malpractice = SafetyRecord.objects.get(kind=Kind.MALPRACTICE)
    complaint = SafetyRecord.objects.get(kind=Kind.COMPLAINT)
    pages = {
        "official_jn": ["/case-reviews/", f"/case-reviews/rounds/{rnd.pk}/", f"/case-reviews/rounds/{rnd.pk}/?check=1",
                        f"/case-reviews/reviews/{review.pk}/", "/case-reviews/rounds/new/", "/safety-information/",
                        f"/safety-information/{malpractice.pk}/", "/safety-information/overview/",
                        "/safety-information/exports/"],
        "qc_expert": ["/case-reviews/", f"/case-reviews/reviews/{pending.pk}/", f"/case-reviews/reviews/{review.pk}/"],
        "qc_office": ["/case-reviews/pool/", f"/case-reviews/pool/{review.case_id}/", "/safety-information/",
                      "/safety-information/new/", "/safety-information/new/?kind=malpractice",
                      f"/safety-information/{complaint.pk}/", "/safety-information/exports/"],
    }
    left = {}
    for username, urls in pages.items():
        client = Client(**EN)
        client.force_login(seeded.users[username])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (username, url)
            main = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]  # other apps' menus are theirs
            for line in leftovers(_visible(main), data):
                left.setdefault(line, f"{username} {url}")
    assert left == {}


def test_it_answers_the_api_in_english(seeded, api):
    official = api(seeded.users["official_jn"])
    bad = official.post("/api/v1/case-reviews/", {"institution": "H001", "category": "nope", "record_number": ""},
                        format="json", **EN)
    assert bad.status_code == 400 and not any(CJK.search(m) for msgs in bad.json().values() for m in msgs)
    office = api(seeded.users["qc_office"])
    r = office.post("/api/v1/safety-information/", {"institution": "H001", "kind": "malpractice", "received_on": "2026-01-05",
                                                    "department": "CARD", "summary": "x"}, format="json", **EN)
    assert r.status_code == 400 and r.json()["determined_by"] == ["This field is required."]
    r = office.post("/api/v1/safety-information/", {"institution": "H001", "kind": "complaint", "received_on": "2026-01-05",
                                                    "department": "NOPE", "summary": "x", "channel": "phone"}, format="json", **EN)
    assert r.status_code == 400 and r.json()["department"] == ["Unknown department code: NOPE."]
    r = office.post("/api/v1/adverse-event-exports/", {"institution": "H001", "period": "2099-01"}, format="json", **EN)
    assert r.status_code == 400 and r.json()["period"] == ["A month that has not begun cannot be exported."]
    assert "必填" not in str(official.post("/api/v1/case-reviews/", {}, format="json", **EN).json())
