import pytest

from case_reviews import services
from case_reviews.models import Case, CaseReview
from tests.case_reviews.conftest import make_round

pytestmark = pytest.mark.django_db

def test_it_renders_every_page(pool, personas, expert, client):
    rnd = services.round_sample(round=make_round(pool, personas), actor=personas["official_jn"], seed=1)
    review = CaseReview.objects.filter(round=rnd).first()
    services.review_assign(review=review, reviewer=expert, actor=personas["official_jn"])
    client.force_login(personas["official_jn"])
    for url in ["/case-reviews/", "/case-reviews/pool/", f"/case-reviews/pool/{Case.objects.first().pk}/", "/case-reviews/rounds/new/",
                f"/case-reviews/rounds/{rnd.pk}/", f"/case-reviews/rounds/{rnd.pk}/?check=1", f"/case-reviews/reviews/{review.pk}/"]:
        assert client.get(url).status_code == 200, url
    client.force_login(expert)
    assert client.get(f"/case-reviews/reviews/{review.pk}/").status_code == 200
    r = client.post(f"/case-reviews/reviews/{review.pk}/", {"core_systems_text": "x", "core_systems_severity": ""})
    assert r.status_code == 400
    r = client.post(f"/case-reviews/reviews/{review.pk}/", {"core_systems_text": "x", "core_systems_severity": "serious", "submit": "1"})
    assert r.status_code == 302
    client.force_login(personas["official_jn"])
    assert "trigger-interview" in client.get(f"/case-reviews/reviews/{review.pk}/").content.decode()
    r = client.post("/case-reviews/rounds/new/", {"title": ""})
    assert r.status_code == 400
