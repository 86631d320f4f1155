"""GET /api/v1/staff/ and the HIS push by staff code."""
import pytest

from staff.models import Staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def staffed(demo):
    from staff import demo as staff_demo

    staff_demo.seed(demo)
    return demo


def test_it_lists_the_contract_fields_of_the_callers_hospital(staffed, api, personas):
    r = api(personas["his_h001"]).get("/api/v1/staff/?department=CARD")
    assert r.status_code == 200
    rows = {row["code"]: row for row in r.json()["results"]}
    assert rows["D0101"]["name"] == "张明" and rows["D0101"]["title"] == "senior"
    assert {"code", "name", "institution", "department", "profession", "title"} <= set(rows["D0101"])
    assert all(row["institution"] == "H001" for row in rows.values())
    assert Staff.objects.get(institution__code="H001", code="D0101").user.username == "head_cardiology"


def test_it_hides_another_hospitals_staff(staffed, api, personas):
    r = api(personas["his_h001"]).get("/api/v1/staff/?institution=H002")
    assert r.json()["count"] == 0
    assert api(personas["qc_office_h002"]).get("/api/v1/staff/D0201/").json()["name"] == "邵志勇"


def test_it_pushes_and_updates_by_code_idempotently(staffed, api, personas):
    client = api(personas["his_h001"])
    body = {"code": "D0999", "name": "新医生", "department": "CARD", "profession": "physician", "title": "junior"}
    assert client.post("/api/v1/staff/", body, format="json").status_code == 201
    again = client.post("/api/v1/staff/", body, format="json")
    assert again.status_code == 200 and Staff.objects.filter(code="D0999").count() == 1
    r = client.post("/api/v1/staff/", {"code": "D0999", "title": "intermediate"}, format="json")
    assert r.status_code == 200 and r.json()["title"] == "intermediate" and r.json()["name"] == "新医生"


def test_it_refuses_a_push_into_another_hospital_or_by_a_nurse(staffed, api, personas):
    body = {"code": "X1", "name": "某", "profession": "nurse", "title": "junior", "institution": "H002"}
    assert api(personas["his_h001"]).post("/api/v1/staff/", body, format="json").status_code == 400
    body.pop("institution")
    assert api(personas["staff_nurse"]).post("/api/v1/staff/", body, format="json").status_code == 403


def test_it_refuses_an_unknown_department_and_a_bad_title(staffed, api, personas):
    client = api(personas["his_h001"])
    r = client.post("/api/v1/staff/", {"code": "X2", "name": "某", "profession": "nurse", "title": "junior",
                                       "department": "NOPE"}, format="json")
    assert r.status_code == 400 and "department" in r.json()
    r = client.post("/api/v1/staff/", {"code": "X2", "name": "某", "profession": "nurse", "title": "boss"}, format="json")
    assert r.status_code == 400 and "title" in r.json()


def test_it_lists_with_constant_queries(staffed, api, personas, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        r = api(personas["qc_office"]).get("/api/v1/staff/")
    assert r.json()["count"] == 20
