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


def test_the_round_offers_the_qc_centres_experts_first(pool, personas, client):
    """Issue 19: reviewers are QC-centre experts (with an account) or the hospital's own; experts come first,
    an expert who left is not offered."""
    from tests.factories import UserFactory
    from tests.qc_centres.helpers import add, centre

    c, secretary = centre(pool, personas)
    doctor, gone = UserFactory(username="dr_chen", first_name="陈立华"), UserFactory(username="dr_left")
    add(c, secretary, "member", name="陈立华", user=doctor)
    left = add(c, secretary, "member", name="离任专家", user=gone)
    from qc_centres import services as qc

    qc.expert_leave(expert=left, actor=secretary, reason="调离")
    rnd = services.round_sample(round=make_round(pool, personas), actor=personas["official_jn"], seed=1)
    client.force_login(personas["official_jn"])
    html = client.get(f"/case-reviews/rounds/{rnd.pk}/").content.decode()
    first_group = html.split('<optgroup label="质控中心专家">')[1].split("</optgroup>")[0]
    assert "陈立华 · 心血管内科 · 委员 (dr_chen)" in first_group and "dr_left" not in first_group
    assert html.index('<optgroup label="质控中心专家">') < html.index('<optgroup label="其他人员">')
    review = CaseReview.objects.filter(round=rnd).first()
    r = client.post(f"/case-reviews/reviews/{review.pk}/assign/", {"reviewer": doctor.pk})
    assert r.status_code == 302 and CaseReview.objects.get(pk=review.pk).reviewer == doctor


def test_a_round_closes_only_when_every_case_is_reviewed(pool, personas, expert, client):
    rnd = services.round_sample(round=make_round(pool, personas), actor=personas["official_jn"], seed=1)
    client.force_login(personas["official_jn"])
    assert 'id="close-form"' in client.get(f"/case-reviews/rounds/{rnd.pk}/").content.decode()
    page = client.post(f"/case-reviews/rounds/{rnd.pk}/close/", follow=True).content.decode()
    assert "未完成评价，不能结束批次" in page
    rnd.refresh_from_db()
    assert rnd.status == "sampled"
    for review in CaseReview.objects.filter(round=rnd):
        assigned = services.review_assign(review=review, reviewer=expert, actor=personas["official_jn"])
        reviewer = type(expert).objects.get(pk=expert.pk)  # fresh: permissions are cached on the instance
        services.review_save(review=assigned, actor=reviewer, findings=[], conclusion="规范")
        services.review_submit(review=assigned, actor=reviewer)
    client.force_login(personas["qc_office"])  # the hospital does not close the authority's round
    client.post(f"/case-reviews/rounds/{rnd.pk}/close/")
    rnd.refresh_from_db()
    assert rnd.status == "sampled"
    client.force_login(personas["official_jn"])
    client.post(f"/case-reviews/rounds/{rnd.pk}/close/")
    rnd.refresh_from_db()
    assert rnd.status == "closed"
    assert 'id="close-form"' not in client.get(f"/case-reviews/rounds/{rnd.pk}/").content.decode()
