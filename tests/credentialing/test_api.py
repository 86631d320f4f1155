"""The second-wave paths of API.md for privilege-items and privileges, with each rule of issue 17."""
import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from credentialing.models import Privilege

pytestmark = pytest.mark.django_db


def _post(api, user, path, body, **kw):
    return api(user).post(path, body, format="json", **kw)


def test_it_lists_the_catalogue_with_the_contract_fields(reg, api, personas):
    r = api(personas["his_h001"]).get("/api/v1/privilege-items/?page_size=100")
    assert r.status_code == 200
    rows = {row["code"]: row for row in r.json()["results"]}
    assert {"code", "name", "category", "min_title", "max_validity_months"} <= set(rows["ABX-S"])
    assert rows["ABX-S"]["min_title"] == "associate_senior"  # Art. 24: 高级 for 特殊使用级
    assert rows["ABX-R"]["min_title"] == "intermediate"
    assert rows["ABX-NR"]["min_title"] == "junior"
    assert rows["ONC-R"]["min_title"] == "associate_senior" and rows["ONC-G"]["min_title"] == "intermediate"
    assert rows["NARC"]["requires_training"] is True
    assert rows["SURG-4"]["is_policy"] is True
    assert all(row["institution"] == "H001" for row in rows.values())


def test_it_records_a_decided_grant_as_active(reg, api, personas):
    today = timezone.localdate()
    r = _post(api, personas["qc_office"], "/api/v1/privileges/", {
        "staff": "D0101", "item": "ABX-S", "valid_from": str(today), "valid_until": str(today + relativedelta(months=36)),
        "basis": "2025 名册"})
    assert r.status_code == 201, r.json()
    assert r.json()["status"] == "active" and r.json()["id"]
    p = Privilege.objects.get(pk=r.json()["id"])
    assert p.reviews.filter(reviewed_at__isnull=True).get().due_on == p.valid_until - dt.timedelta(days=30)
    from qms.core.selectors import deadlines_for

    assert deadlines_for(p).get(rule="credentialing.review_due").due_on == p.review_due_on


def test_it_refuses_a_title_below_the_items_naming_the_rule(reg, api, personas):
    today = timezone.localdate()
    r = _post(api, personas["qc_office"], "/api/v1/privileges/", {
        "staff": "D0103", "item": "ABX-S", "valid_from": str(today), "valid_until": str(today + relativedelta(months=12)),
        "basis": "x"})
    assert r.status_code == 400
    assert "第二十四条" in r.json()["staff"][0] and "中级" in r.json()["staff"][0]


def test_it_refuses_a_validity_longer_than_the_item_allows(reg, api, personas):
    today = timezone.localdate()
    r = _post(api, personas["qc_office"], "/api/v1/privileges/", {
        "staff": "D0101", "item": "SURG-4", "valid_from": str(today),
        "valid_until": str(today + relativedelta(months=12, days=1)), "basis": "x"})
    assert r.status_code == 400 and "12个月" in r.json()["valid_until"][0]


def test_it_refuses_inverted_dates(reg, api, personas):
    today = timezone.localdate()
    r = _post(api, personas["qc_office"], "/api/v1/privileges/", {
        "staff": "D0101", "item": "ABX-R", "valid_from": str(today), "valid_until": str(today - dt.timedelta(days=1)),
        "basis": "x"})
    assert r.status_code == 400 and "valid_until" in r.json()


def test_it_answers_400_for_unknown_codes_and_403_for_a_nurse(reg, api, personas):
    today = timezone.localdate()
    body = {"staff": "NOPE", "item": "ABX-R", "valid_from": str(today), "valid_until": str(today), "basis": "x"}
    assert _post(api, personas["qc_office"], "/api/v1/privileges/", body).status_code == 400
    body["staff"] = "D0101"
    assert _post(api, personas["staff_nurse"], "/api/v1/privileges/", body).status_code == 403


@pytest.mark.parametrize("step,status", [("suspend", "suspended"), ("revoke", "revoked")])
def test_it_suspends_and_revokes_with_a_reason(reg, api, personas, step, status):
    p = reg.grant("D0101", "ABX-R")
    client = api(personas["qc_office"])
    assert client.post(f"/api/v1/privileges/{p.pk}/{step}/", {}, format="json").status_code == 400
    r = client.post(f"/api/v1/privileges/{p.pk}/{step}/", {"reason": "质控发现问题"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == status


def test_it_restores_a_suspended_grant(reg, api, personas):
    p = reg.grant("D0101", "ABX-R")
    client = api(personas["qc_office"])
    client.post(f"/api/v1/privileges/{p.pk}/suspend/", {"reason": "暂停"}, format="json")
    r = client.post(f"/api/v1/privileges/{p.pk}/restore/", {"reason": "评估合格"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "restored"
    r = client.post(f"/api/v1/privileges/{p.pk}/revoke/", {"reason": "离职"}, format="json")
    assert client.post(f"/api/v1/privileges/{p.pk}/restore/", {"reason": "x"}, format="json").status_code == 400


def test_it_hides_another_hospitals_grants_and_staff(reg, api, personas):
    p = reg.grant("D0101", "ABX-R")
    stranger = api(personas["qc_office_h002"])
    assert stranger.post(f"/api/v1/privileges/{p.pk}/revoke/", {"reason": "x"}, format="json").status_code == 404
    assert stranger.get(f"/api/v1/privileges/{p.pk}/").status_code == 404
    r = api(personas["his_h001"]).get("/api/v1/privileges/check/?staff=D0201&item=ABX-R&institution=H002")
    assert r.status_code == 404


def test_it_lists_privileges_with_constant_queries(reg, api, personas, django_assert_max_num_queries):
    for code in ("D0101", "D0102", "D0103"):
        reg.grant(code, "ABX-R")
        reg.grant(code, "PRACTICE")
    client = api(personas["qc_office"])
    with django_assert_max_num_queries(8):
        r = client.get("/api/v1/privileges/?department=CARD")
    assert r.json()["count"] == 6


def test_it_replays_an_idempotent_record(reg, api, personas):
    today = timezone.localdate()
    body = {"staff": "D0101", "item": "ABX-R", "valid_from": str(today), "valid_until": str(today + relativedelta(months=6)), "basis": "x"}
    client = api(personas["qc_office"])
    a = client.post("/api/v1/privileges/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    b = client.post("/api/v1/privileges/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert a.json()["id"] == b.json()["id"] and Privilege.objects.count() == 1
