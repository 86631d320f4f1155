"""Issue 13 item 14: a lock-out stops the user's API token too; users change their own password (Django's
views, styled); an administrator can require a change at the next sign-in."""
import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

NEW = "Zhiliang-Anquan-2026!"


def _token_client(api, user):
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_a_locked_out_users_token_stops_working_until_the_lock_expires(client, demo, api, settings):
    principal = demo.users["principal"]
    token = _token_client(api, principal)
    assert token.get("/api/v1/institutions/").status_code == 200
    for _ in range(5):
        client.post("/accounts/login/", {"username": "principal", "password": "wrong"})
    locked = token.get("/api/v1/institutions/")
    assert locked.status_code == 429 and "锁定" in locked.json()["detail"]
    assert _token_client(api, demo.users["qc_office"]).get("/api/v1/institutions/").status_code == 200
    settings.AXES_COOLOFF_TIME = 0  # the lock has expired
    assert token.get("/api/v1/institutions/").status_code == 200


def test_a_system_accounts_token_is_not_stopped_by_password_guesses_against_its_name(client, demo, api):
    his = get_user_model().objects.get(username="his_h001")
    for _ in range(6):
        client.post("/accounts/login/", {"username": "his_h001", "password": "wrong"})
    assert _token_client(api, his).get("/api/v1/institutions/").status_code == 200


def test_a_user_changes_their_password_on_a_styled_page(client, demo):
    client.force_login(demo.users["staff_nurse"])
    page = client.get("/accounts/password/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "修改密码" in body and 'class="form-control"' in body and 'id="current-user"' in body
    assert 'href="/accounts/password/"' in client.get("/").content.decode()  # reachable from every page
    weak = client.post("/accounts/password/", {"old_password": DEMO_PASSWORD, "new_password1": "123",
                                               "new_password2": "123"})
    assert weak.status_code == 200 and "密码" in weak.content.decode()
    done = client.post("/accounts/password/", {"old_password": DEMO_PASSWORD, "new_password1": NEW,
                                               "new_password2": NEW}, follow=True)
    assert done.status_code == 200 and "已修改" in done.content.decode()
    nurse = get_user_model().objects.get(username="staff_nurse")
    assert nurse.check_password(NEW)


def test_an_administrator_can_require_a_change_at_the_next_sign_in(client, admin_client, demo):
    nurse = demo.users["staff_nurse"]
    r = admin_client.post("/admin/auth/user/", {"action": "require_password_change", "_selected_action": [nurse.pk]},
                          follow=True)
    assert r.status_code == 200
    client.post("/accounts/login/", {"username": "staff_nurse", "password": DEMO_PASSWORD})
    assert "_auth_user_id" in client.session
    for path in ("/", "/events/", "/inbox/"):
        r = client.get(path)
        assert r.status_code == 302 and r["Location"].startswith("/accounts/password/"), path
    assert client.get("/accounts/password/").status_code == 200
    client.post("/accounts/password/", {"old_password": DEMO_PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert client.get("/").status_code == 200
    client.logout()
    client.post("/accounts/login/", {"username": "staff_nurse", "password": NEW})
    assert client.get("/").status_code == 200  # asked once
