import pytest

from organizations.compliance import structure_breaches
from organizations.models import QualityCommittee

pytestmark = pytest.mark.django_db


def test_the_demo_h001_structure_is_compliant(demo):
    assert structure_breaches(demo.institutions["H001"]) == []


def test_it_lists_the_demo_h002_breaches_in_plain_chinese(demo):
    messages = [b.message for b in structure_breaches(demo.institutions["H002"])]
    assert "信息部门负责人不是医疗质量管理委员会委员。" in messages
    assert "急诊科质量管理小组未设质控员。" in messages
    assert len(messages) == 2


def test_it_finds_a_chair_who_is_not_the_principal_and_a_missing_committee(demo):
    h001 = demo.institutions["H001"]
    committee = QualityCommittee.objects.get(institution=h001)
    committee.chair = demo.users["qc_office"]
    committee.save()
    messages = [b.message for b in structure_breaches(h001)]
    assert "医疗质量管理委员会主任委员（王丽）不是医院主要负责人。" in messages
    committee.delete()
    breaches = structure_breaches(h001)
    assert [(b.article, b.message) for b in breaches] == [("第九条", "二级以上医院应设立医疗质量管理委员会，本院尚未设立。")]


def test_a_department_without_a_group_is_a_breach(demo):
    from tests.factories import DepartmentFactory

    DepartmentFactory(institution=demo.institutions["H001"], name="康复医学科", head=demo.users["head_cardiology"])
    messages = [b.message for b in structure_breaches(demo.institutions["H001"])]
    assert messages == ["康复医学科未成立科室医疗质量管理工作小组。"]


def test_a_hospital_below_second_grade_needs_a_group_or_a_named_person(demo):
    from tests.factories import InstitutionFactory

    clinic = InstitutionFactory(grade_level="1", grade_class="", principal=demo.users["principal"])
    assert [b.article for b in structure_breaches(clinic)] == ["第九条"]
    clinic.quality_person = demo.users["qc_office"]
    clinic.save()
    assert structure_breaches(clinic) == []


def test_the_structure_page_shows_breaches(client, personas):
    client.force_login(personas["qc_office_h002"])
    page = client.get("/org/institutions/H002/structure/").content.decode()
    assert "急诊科质量管理小组未设质控员。" in page


def test_it_reports_a_committee_without_business_department_heads(demo):
    """Issue 12 item 13 (Art. 9): 委员由……职能部门负责人以及业务科室负责人组成."""
    from organizations.compliance import structure_breaches
    from organizations.models import Department

    inst = demo.institutions["H001"]
    committee = inst.committee
    business_heads = Department.objects.filter(institution=inst, kind="business").values_list("head_id", flat=True)
    committee.members.remove(*[h for h in business_heads if h])
    messages = [b.message for b in structure_breaches(inst)]
    assert any("业务科室负责人" in m and "第九条" in m for m in messages)
