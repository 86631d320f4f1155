"""Reviewer scoping (guardian object permission), the six-area form, finding → rectification, → 约谈 (四)."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from case_reviews import services
from case_reviews.models import CaseReview
from case_reviews.selectors import visible_reviews
from interviews.models import Interview
from qms.core.models import Deadline
from rectifications.models import Rectification
from tests.case_reviews.conftest import make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def sampled(pool, personas):
    return services.round_sample(round=make_round(pool, personas), actor=personas["official_jn"], seed=42)


def _assigned(sampled, personas, expert, code="H001"):
    review = CaseReview.objects.filter(round=sampled, institution__code=code).order_by("id").first()
    return services.review_assign(review=review, reviewer=expert, actor=personas["official_jn"])


def test_it_shows_a_reviewer_only_the_assigned_case(sampled, personas, expert, api):
    review = _assigned(sampled, personas, expert)
    assert list(visible_reviews(expert)) == [review]
    client = api(expert)
    assert client.get(f"/api/v1/case-reviews/{review.pk}/").status_code == 200
    other = CaseReview.objects.filter(round=sampled).exclude(pk=review.pk).first()
    assert client.get(f"/api/v1/case-reviews/{other.pk}/").status_code == 404
    assert client.get("/api/v1/case-reviews/").json()["count"] == 1
    assert Deadline.objects.get(rule="case_review.due", object_id=review.pk).responsible == expert


def test_it_hides_an_authoritys_reviews_from_another_hospital(sampled, personas, expert, api):
    review = _assigned(sampled, personas, expert, code="H001")
    assert api(personas["qc_office_h002"]).get(f"/api/v1/case-reviews/{review.pk}/").status_code == 404
    assert not visible_reviews(personas["qc_office_h002"]).filter(institution__code="H001").exists()


def test_it_takes_away_the_case_when_reassigned(sampled, personas, expert, django_user_model):
    review = _assigned(sampled, personas, expert)
    other = django_user_model.objects.create_user("expert2", password="x-Pass-2026")
    services.review_assign(review=review, reviewer=other, actor=personas["official_jn"])
    assert not visible_reviews(django_user_model.objects.get(pk=expert.pk)).exists()
    with pytest.raises(PermissionDenied):
        services.review_save(review=review, actor=django_user_model.objects.get(pk=expert.pk), findings=[])


def test_it_turns_each_finding_into_a_rectification_demanded_by_the_authority(sampled, personas, expert):
    review = _assigned(sampled, personas, expert)
    services.review_save(review=review, actor=expert, conclusion="总体尚可", findings=[
        {"focus": "core_systems", "text": "未落实三级查房", "severity": "serious"},
        {"focus": "records", "text": "病程记录不及时", "severity": "minor"},
        {"focus": "nursing", "text": "", "severity": ""},
    ])
    services.review_submit(review=review, actor=expert)
    rects = Rectification.objects.filter(source_kind="case_review", source_id=review.pk).order_by("id")
    assert rects.count() == 2
    assert all(r.authority == sampled.authority and r.institution == review.institution for r in rects)
    assert rects[0].department == review.case.department
    review.refresh_from_db()
    assert review.status == "submitted"
    with pytest.raises(ValidationError):
        services.review_submit(review=review, actor=expert)


def test_it_asks_for_a_severity_for_each_finding(sampled, personas, expert):
    review = _assigned(sampled, personas, expert)
    with pytest.raises(ValidationError) as exc:
        services.review_save(review=review, actor=expert, findings=[{"focus": "pharmacy", "text": "超说明书用药", "severity": ""}])
    assert "pharmacy_severity" in exc.value.message_dict


def test_it_opens_a_ground_4_interview_from_a_serious_finding(sampled, personas, expert):
    review = _assigned(sampled, personas, expert)
    services.review_save(review=review, actor=expert, findings=[{"focus": "technology", "text": "越级开展四级手术", "severity": "serious"}])
    services.review_submit(review=review, actor=expert)
    with pytest.raises(PermissionDenied):
        services.review_interview_trigger(review=review, actor=expert)
    interview = services.review_interview_trigger(review=review, actor=personas["official_jn"])
    assert interview.trigger_ground == 4 and interview.status == "triggered" and interview.organiser.code == "JN"
    assert review.record_number in interview.problems and "越级开展四级手术" in interview.problems
    assert interview.approved_by is None  # the organiser's head still approves (Art. 46)
    with pytest.raises(ValidationError):
        services.review_interview_trigger(review=review, actor=personas["official_jn"])
    assert Interview.objects.count() == 1


def test_it_offers_no_interview_without_a_serious_finding(sampled, personas, expert):
    review = _assigned(sampled, personas, expert)
    services.review_save(review=review, actor=expert, findings=[{"focus": "records", "text": "首页填写不全", "severity": "general"}])
    services.review_submit(review=review, actor=expert)
    with pytest.raises(ValidationError):
        services.review_interview_trigger(review=review, actor=personas["official_jn"])


def test_it_adds_a_case_by_hand_through_the_api(pool, personas, api):
    r = api(personas["official_jn"]).post("/api/v1/case-reviews/", {
        "institution": "H002", "category": "death", "record_number": "D0003", "focus": ["core_systems", "nursing"]}, format="json")
    assert r.status_code == 201 and r.json()["status"] == "pending"
    review = CaseReview.objects.get(pk=r.json()["id"])
    assert review.case is not None and review.authority.code == "JN" and review.focus == ["core_systems", "nursing"]
    bad = api(personas["official_jn"]).post("/api/v1/case-reviews/", {
        "institution": "H002", "category": "nope", "record_number": "D0003"}, format="json")
    assert bad.status_code == 400 and "category" in bad.json()
    assert api(personas["official_lx"]).post("/api/v1/case-reviews/", {
        "institution": "H001", "category": "death", "record_number": "A0001"}, format="json").status_code == 400


def test_it_lists_reviews_in_a_bounded_number_of_queries(sampled, personas, api, django_assert_max_num_queries):
    client = api(personas["official_jn"])
    with django_assert_max_num_queries(15):
        r = client.get("/api/v1/case-reviews/")
    assert r.json()["count"] == 12


def test_it_feeds_the_results_to_the_bulletin_and_the_authoritys_view(sampled, personas, expert):
    from django.utils import timezone

    from case_reviews.bulletin import bulletin_section
    from case_reviews.selectors import results_by_hospital_category
    from safety_info.selectors import upward_overview

    review = _assigned(sampled, personas, expert)
    services.review_save(review=review, actor=expert, findings=[
        {"focus": "core_systems", "text": "未落实三级查房", "severity": "serious"},
        {"focus": "records", "text": "病程记录不及时", "severity": "general"}])
    services.review_submit(review=review, actor=expert)
    today = timezone.localdate()
    section = bulletin_section(institution=review.institution, year=today.year, month=today.month)
    assert section["available"] and "完成重点病例评价 1 例" in section["lines"][0]
    by_category = section["tables"][0]
    assert by_category["rows"] == [[review.get_category_display(), "1", "2", "1"]]
    other = bulletin_section(institution=sampled.institutions.get(code="H002"), year=today.year, month=today.month)
    assert "完成重点病例评价 1 例" not in " ".join(other["lines"])
    results = {(r["code"], r["category"]): r for r in results_by_hospital_category(visible_reviews(personas["official_jn"]))}
    assert results[("H001", review.category)]["submitted"] == 1 and results[("H001", review.category)]["serious"] == 1
    overview = {r["institution"].code: r for r in upward_overview(personas["official_jn"], year=today.year)}
    assert overview["H001"]["reviewed"] == 1 and overview["H001"]["serious"] == 1 and overview["H001"]["findings"] == 2
    assert overview["H002"]["reviewed"] == 0 and overview["H002"]["reviews"] == 6
    assert [r["institution"].code for r in upward_overview(personas["official_lx"], year=today.year)] == ["H002"]
