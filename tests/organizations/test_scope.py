"""Who sees what, with personas: same department, other department, other hospital, official above and elsewhere."""
import pytest

from organizations.models import Department
from organizations.selectors import get_scope, scope_queryset, visible_departments, visible_institutions

pytestmark = pytest.mark.django_db


def codes(qs):
    return sorted(qs.values_list("code", flat=True))


def test_hospital_users_see_their_hospital_only(personas):
    assert codes(visible_institutions(personas["qc_office"])) == ["H001"]
    assert codes(visible_institutions(personas["qc_office_h002"])) == ["H002"]
    assert codes(visible_institutions(personas["his_h001"])) == ["H001"]


def test_department_users_see_their_department_only(personas):
    assert codes(visible_departments(personas["head_cardiology"])) == ["CARD"]
    assert codes(visible_departments(personas["staff_nurse"])) == ["CARD"]
    depts = visible_departments(personas["qc_office"])
    assert set(depts.values_list("institution__code", flat=True)) == {"H001"}
    assert depts.count() == 18


def test_officials_see_hospitals_registered_with_their_authority_or_below(personas):
    assert codes(visible_institutions(personas["official_jn"])) == ["H001", "H002"]  # LX is below JN
    assert codes(visible_institutions(personas["official_jn2"])) == ["H001", "H002"]
    assert codes(visible_institutions(personas["official_lx"])) == ["H002"]  # JN is above, not below


def test_only_heads_may_approve(personas, demo):
    # issue 12 item 8 (Art. 46): the authority's 负责人 approves; the division head (处长) does not
    assert demo.authorities["JN"].pk in get_scope(personas["leader_jn"]).head_authority_ids
    assert get_scope(personas["official_jn"]).head_authority_ids == frozenset()
    assert get_scope(personas["official_jn2"]).head_authority_ids == frozenset()
    assert demo.authorities["LX"].pk in get_scope(personas["official_lx"]).head_authority_ids
    admin = personas["sysadmin"]
    assert admin.is_staff and admin.is_superuser


def test_guardian_grants_add_single_objects_to_a_scope(personas, demo):
    from guardian.shortcuts import assign_perm

    head = personas["head_cardiology"]
    resp = demo.dept("H001", "RESP")
    assert not scope_queryset(Department.objects.all(), head, institution="institution", department="id")\
        .filter(pk=resp.pk).exists()
    assign_perm("organizations.view_department", head, resp)
    qs = scope_queryset(Department.objects.all(), head, guardian_perm="organizations.view_department",
                        institution="institution", department="id")
    assert sorted(qs.values_list("code", flat=True)) == ["CARD", "RESP"]


def test_a_user_without_memberships_sees_nothing(db):
    from tests.factories import UserFactory

    user = UserFactory()
    assert not visible_institutions(user).exists()
    assert not visible_departments(user).exists()


@pytest.mark.parametrize(
    ("username", "path", "status"),
    [
        ("qc_office", "/org/institutions/H001/", 200),
        ("qc_office", "/org/institutions/H002/", 404),
        ("qc_office_h002", "/org/institutions/H001/", 404),
        ("qc_office_h002", "/org/institutions/H001/structure/", 404),
        ("official_lx", "/org/institutions/H001/", 404),
        ("official_jn", "/org/institutions/H002/structure/", 200),
        ("head_cardiology", "/org/institutions/H001/", 200),
    ],
)
def test_pages_answer_404_outside_reach(client, personas, username, path, status):
    client.force_login(personas[username])
    assert client.get(path).status_code == status


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("qc_office", ["H001"]),
        ("qc_office_h002", ["H002"]),
        ("official_jn", ["H001", "H002"]),
        ("official_lx", ["H002"]),
        ("his_h001", ["H001"]),
    ],
)
def test_the_institution_api_is_scoped(api, personas, username, expected):
    response = api(personas[username]).get("/api/v1/institutions/")
    assert response.status_code == 200
    body = response.json()
    assert sorted(r["code"] for r in body["results"]) == expected
    assert {"count", "next", "previous", "results"} <= set(body)


def test_the_department_api_filters_by_institution_and_hides_others(api, personas):
    client = api(personas["official_jn"])
    body = client.get("/api/v1/departments/?institution=H002").json()
    assert {r["institution"] for r in body["results"]} == {"H002"}
    assert api(personas["qc_office_h002"]).get("/api/v1/departments/?institution=H001").json()["count"] == 0
    assert api(personas["head_cardiology"]).get("/api/v1/departments/").json()["results"][0]["code"] == "CARD"
    assert api(personas["qc_office_h002"]).get("/api/v1/institutions/H001/").status_code == 404


def test_lists_run_a_fixed_number_of_queries(api, personas, django_assert_max_num_queries):
    client = api(personas["official_jn"])
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/departments/").status_code == 200


def test_updated_since_filters_lists(api, personas):
    client = api(personas["qc_office"])
    assert client.get("/api/v1/departments/?updated_since=2000-01-01T00:00:00%2B08:00").json()["count"] == 18
    assert client.get("/api/v1/departments/?updated_since=2100-01-01T00:00:00%2B08:00").json()["count"] == 0
    assert client.get("/api/v1/departments/?updated_since=yesterday").status_code == 400
