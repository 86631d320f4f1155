"""The paths of API.md for 质控中心 (issue 20), as written."""
from __future__ import annotations

import pytest

from tests.qc_centres.helpers import centre, full_committee

pytestmark = pytest.mark.django_db

BODY = {"specialty": "心血管内科", "name": "济南市心血管内科质控中心", "authority": "JN", "host_institution": "H001",
        "term_start": "2025-01-01"}


def test_create_centre_201_with_term_end(demo, personas, api):
    r = api(personas["official_jn"]).post("/api/v1/qc-centres/", BODY, format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["term_end"] == "2028-12-31" and r.json()["id"]


def test_create_refusals_400(demo, personas, api):
    client = api(personas["official_jn"])
    r = client.post("/api/v1/qc-centres/", {**BODY, "host_institution": "H002", "specialty": "x"}, format="json")
    assert r.status_code == 201  # H002 is 二级甲等: eligible
    assert client.post("/api/v1/qc-centres/", BODY, format="json").status_code == 201
    r = client.post("/api/v1/qc-centres/", BODY, format="json")
    assert r.status_code == 400 and "第四条" in str(r.json())
    r = client.post("/api/v1/qc-centres/", {**BODY, "term_start": "not a date"}, format="json")
    assert r.status_code == 400


def test_create_by_hospital_user_403(demo, personas, api):
    r = api(personas["qc_office"]).post("/api/v1/qc-centres/", BODY, format="json")
    assert r.status_code == 403


def test_create_idempotent(demo, personas, api):
    client = api(personas["official_jn"], HTTP_IDEMPOTENCY_KEY="k-1")
    first = client.post("/api/v1/qc-centres/", BODY, format="json")
    again = client.post("/api/v1/qc-centres/", BODY, format="json")
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]


def test_experts_400_names_the_rule(demo, personas, api):
    c, secretary = centre(demo, personas)
    client = api(secretary)
    body = {"name": "张明", "role": "director", "from_host": True, "birth_date": "1960-01-01", "title": "senior",
            "appointed_on": "2025-01-10"}
    r = client.post(f"/api/v1/qc-centres/{c.pk}/experts/", body, format="json")
    assert r.status_code == 400 and "56岁" in str(r.json()) and "第六条" in str(r.json())
    r = client.post(f"/api/v1/qc-centres/{c.pk}/experts/", {**body, "birth_date": "1975-01-01"}, format="json")
    assert r.status_code == 201 and r.json()["role"] == "director"
    r = client.post(f"/api/v1/qc-centres/{c.pk}/experts/", {**body, "birth_date": "1975-01-01"}, format="json")
    assert r.status_code == 400 and "主任1人" in str(r.json())
    r = client.post(f"/api/v1/qc-centres/{c.pk}/experts/", {**body, "role": "chief"}, format="json")
    assert r.status_code == 400


def test_experts_in_english(demo, personas, api):
    c, secretary = centre(demo, personas)
    body = {"name": "张明", "role": "director", "from_host": False, "birth_date": "1975-01-01", "title": "senior",
            "appointed_on": "2025-01-10"}
    r = api(secretary, HTTP_ACCEPT_LANGUAGE="en").post(f"/api/v1/qc-centres/{c.pk}/experts/", body, format="json")
    assert r.status_code == 400 and "Art. 6" in str(r.json())


def test_assessments_yellow_then_red(demo, personas, api):
    c, _s = centre(demo, personas, "2024-01-01")
    client = api(personas["official_jn"])
    r = client.post(f"/api/v1/qc-centres/{c.pk}/assessments/", {"year": 2024, "passed": False, "grounds": ["6"]},
                    format="json")
    assert r.status_code == 201 and (r.json()["card"], r.json()["status"]) == ("yellow", "active")
    r = client.post(f"/api/v1/qc-centres/{c.pk}/assessments/", {"year": 2025, "passed": False, "grounds": ["8"]},
                    format="json")
    assert r.status_code == 400
    r = client.post(f"/api/v1/qc-centres/{c.pk}/assessments/", {"year": 2025, "passed": False, "grounds": ["1"]},
                    format="json")
    assert r.status_code == 201 and (r.json()["card"], r.json()["status"]) == ("red", "dissolved")
    r = client.post("/api/v1/qc-centres/", {**BODY, "term_start": "2026-03-01"}, format="json")
    assert r.status_code == 400 and "第十九条" in str(r.json())


def test_scope_404_and_403(demo, personas, api):
    c, secretary = centre(demo, personas)
    full_committee(c, secretary)
    assert api(personas["qc_office_h002"]).get(f"/api/v1/qc-centres/{c.pk}/").status_code == 404
    assert api(personas["official_lx"]).post(f"/api/v1/qc-centres/{c.pk}/assessments/",
                                             {"year": 2025, "passed": True}, format="json").status_code == 404
    # the host's quality office sees the centre but may not assess it
    assert api(personas["qc_office"]).get(f"/api/v1/qc-centres/{c.pk}/").status_code == 200
    assert api(personas["qc_office"]).post(f"/api/v1/qc-centres/{c.pk}/assessments/",
                                           {"year": 2025, "passed": True}, format="json").status_code == 403
    r = api(personas["official_jn"]).post(f"/api/v1/qc-centres/{c.pk}/publish/", format="json")
    assert r.status_code == 200 and r.json()["committee_published_on"]
    r = api(secretary).get(f"/api/v1/qc-centres/{c.pk}/coverage/")
    assert r.status_code == 200 and {row["institution"] for row in r.json()} == {"H001", "H002"}
    assert api(secretary).get("/api/v1/qc-centres/").json()["count"] == 1


def test_an_expert_can_be_given_an_account_and_a_system_account_cannot(demo, personas, api):
    """Issue 19: an expert with an account is offered as a key-case reviewer; the HIS account is no person."""
    c, secretary = centre(demo, personas)
    client = api(secretary)
    body = {"name": "陈立华", "role": "member", "from_host": False, "birth_date": "1980-04-16",
            "title": "associate_senior", "appointed_on": "2025-01-10"}
    r = client.post(f"/api/v1/qc-centres/{c.pk}/experts/", {**body, "username": "his_h001"}, format="json")
    assert r.status_code == 400 and r.json() == {"username": ["未知的账号。"]}
    r = client.post(f"/api/v1/qc-centres/{c.pk}/experts/", {**body, "username": "nobody"}, format="json")
    assert r.status_code == 400
    r = client.post(f"/api/v1/qc-centres/{c.pk}/experts/", {**body, "username": "staff_nurse"}, format="json")
    assert r.status_code == 201 and r.json()["username"] == "staff_nurse"
    listed = client.get(f"/api/v1/qc-centres/{c.pk}/experts/").json()
    assert [e["username"] for e in listed] == ["staff_nurse"]
    r = client.post(f"/api/v1/qc-centres/{c.pk}/experts/", {**body, "name": "王五"}, format="json")
    assert r.status_code == 201 and r.json()["username"] is None
