"""HIS system accounts: bound to one hospital, created and revoked from the admin, every request logged."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from organizations.models import Membership
from qms.his.models import ApiRequestLog, HisAccount

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, demo):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw-Admin-2026-x")
    client.force_login(admin)
    return client


def test_it_creates_a_his_account_from_the_admin_with_a_token_shown_once(admin_client, demo, api):
    h002 = demo.institutions["H002"]
    response = admin_client.post("/admin/his/hisaccount/add/", {
        "username": "his_h002", "first_name": "二院 HIS", "institution": h002.pk}, follow=True)
    assert response.status_code == 200
    user = get_user_model().objects.get(username="his_h002")
    assert not user.has_usable_password()
    [membership] = Membership.objects.filter(user=user)
    assert membership.role == Membership.Role.HIS and membership.institution == h002
    key = Token.objects.get(user=user).key
    assert key in response.content.decode()
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert [i["code"] for i in client.get("/api/v1/institutions/").json()["results"]] == ["H002"]
    assert HisAccount.objects.filter(pk=user.pk).exists()


def test_it_revokes_a_his_account_from_the_admin(admin_client, demo, api):
    user = get_user_model().objects.get(username="his_h001")
    key = Token.objects.get(user=user).key
    response = admin_client.post("/admin/his/hisaccount/", {"action": "revoke", "_selected_action": [user.pk]},
                                 follow=True)
    assert response.status_code == 200
    user.refresh_from_db()
    assert not user.is_active and not Token.objects.filter(user=user).exists()
    assert not Membership.objects.filter(user=user, is_active=True).exists()
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/adverse-events/").status_code == 401


def test_the_admin_lists_system_accounts_only(admin_client, demo):
    page = admin_client.get("/admin/his/hisaccount/").content.decode()
    assert "his_h001" in page and "qc_office" not in page


def test_it_logs_every_request_of_a_his_account_without_the_body(demo, api):
    his = api(get_user_model().objects.get(username="his_h001"))
    his.get("/api/v1/departments/?institution=H001")
    his.post("/api/v1/indicator-values/", {"indicator": "NOPE", "institution": "H001", "period": "2025-01",
                                           "numerator": 1, "denominator": 2, "secret": "患者张三"},
             format="json", HTTP_IDEMPOTENCY_KEY="k-42")
    his.get("/api/v1/adverse-events/999999/")
    rows = list(ApiRequestLog.objects.order_by("id"))
    assert [(r.method, r.path, r.status_code) for r in rows] == [
        ("GET", "/api/v1/departments/?institution=H001", 200),
        ("POST", "/api/v1/indicator-values/", 400),
        ("GET", "/api/v1/adverse-events/999999/", 404),
    ]
    assert rows[1].idempotency_key == "k-42" and rows[0].idempotency_key == ""
    assert all(r.account.username == "his_h001" and r.institution.code == "H001" and r.at for r in rows)
    assert "张三" not in str([vars(r) for r in rows])


def test_it_does_not_log_people_or_pages(demo, api, client, personas):
    api(personas["qc_office"]).get("/api/v1/institutions/")
    client.force_login(personas["qc_office"])
    client.get("/")
    assert ApiRequestLog.objects.count() == 0


def test_logging_costs_his_requests_one_insert_and_others_nothing(demo, api, personas,
                                                                   django_assert_max_num_queries):
    his = api(get_user_model().objects.get(username="his_h001"))
    qc = api(personas["qc_office"])
    qc.get("/api/v1/institutions/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as plain:
        qc.get("/api/v1/institutions/")
    with CaptureQueriesContext(connection) as logged:
        his.get("/api/v1/institutions/")
    assert len(logged) <= len(plain) + 2  # the insert (and its savepoint on some backends)


def test_the_api_token_endpoint_locks_out_like_the_sign_in_page(demo, api):
    from tests.conftest import DEMO_PASSWORD

    answers = [api().post("/api/v1/auth/token/", {"username": "principal", "password": "wrong"},
                          format="json").status_code for _ in range(5)]
    assert answers == [400, 400, 400, 400, 429]  # the 5th failure locks (AXES_FAILURE_LIMIT)
    locked = api().post("/api/v1/auth/token/", {"username": "principal", "password": DEMO_PASSWORD}, format="json")
    assert locked.status_code == 429
    assert "锁定" in locked.json()["non_field_errors"][0]
    other = api().post("/api/v1/auth/token/", {"username": "qc_office", "password": DEMO_PASSWORD}, format="json")
    assert other.status_code == 200


def test_a_his_account_is_bound_to_one_hospital(demo, api):
    his = api(get_user_model().objects.get(username="his_h001"))
    assert {i["code"] for i in his.get("/api/v1/institutions/").json()["results"]} == {"H001"}
    assert his.get("/api/v1/departments/?institution=H002").json()["results"] == []


def test_the_demo_his_account_cannot_sign_in_to_pages(client, demo, api):
    """Issue 13 item 13: seeded like a real HIS account, with an unusable password; its token still works."""
    from tests.conftest import DEMO_PASSWORD

    user = get_user_model().objects.get(username="his_h001")
    assert not user.has_usable_password()
    response = client.post("/accounts/login/", {"username": "his_h001", "password": DEMO_PASSWORD})
    assert "_auth_user_id" not in client.session and response.status_code == 200
    assert api(user).get("/api/v1/institutions/").status_code == 200
    token = api()
    token.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=user).key}")
    assert token.get("/api/v1/institutions/").status_code == 200
