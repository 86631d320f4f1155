import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_a_token_is_got_with_username_and_password(api, demo):
    from tests.conftest import DEMO_PASSWORD

    response = api().post("/api/v1/auth/token/", {"username": "qc_office", "password": DEMO_PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/institutions/").status_code == 200


def test_bad_credentials_are_400_in_chinese_and_english(api, demo):
    response = api().post("/api/v1/auth/token/", {"username": "qc_office", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert "无法使用提供的认证信息登录" in str(response.json())
    response = api().post(
        "/api/v1/auth/token/", {"username": "qc_office", "password": "nope"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Unable to log in" in str(response.json())


def test_malformed_json_is_400_not_500(api, personas):
    response = api(personas["qc_office"]).generic(
        "POST", "/api/v1/auth/token/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_repeated_failed_logins_lock_the_account(client, demo):
    from tests.conftest import DEMO_PASSWORD

    for _ in range(5):
        client.post("/accounts/login/", {"username": "principal", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "principal", "password": DEMO_PASSWORD})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_the_login_page_is_chinese_and_keeps_the_username(client, demo):
    response = client.post("/accounts/login/", {"username": "qc_office", "password": "wrong"})
    page = response.content.decode()
    assert 'value="qc_office"' in page
    assert "请输入一个正确的" in page


def test_seed_demo_is_idempotent(db):
    from django.contrib.auth import get_user_model

    from organizations.models import Department, Membership

    call_command("seed_demo", password="pw-Demo-2026", stdout=open("/dev/null", "w"))
    counts = (get_user_model().objects.count(), Department.objects.count(), Membership.objects.count())
    call_command("seed_demo", password="pw-Demo-2026", stdout=open("/dev/null", "w"))
    assert (get_user_model().objects.count(), Department.objects.count(), Membership.objects.count()) == counts
    for username in ["qc_office", "principal", "head_cardiology", "staff_nurse", "official_jn", "official_jn2",
                     "official_lx", "qc_office_h002"]:
        assert get_user_model().objects.get(username=username).check_password("pw-Demo-2026")
    # the HIS account signs in by token only, like a real HIS account (issue 13 item 13)
    assert not get_user_model().objects.get(username="his_h001").has_usable_password()


def test_production_settings_pass_check_deploy(monkeypatch):
    import subprocess
    import sys

    env = {
        "DJANGO_SETTINGS_MODULE": "qms.settings.production",
        "SECRET_KEY": "x" * 20 + "production-secret-key-for-the-deploy-check-0987654321",
        "ALLOWED_HOSTS": "qms.example.org",
        "DEBUG": "0",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True, text=True, env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
