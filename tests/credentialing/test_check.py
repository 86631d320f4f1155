"""GET /api/v1/privileges/check/: answers, reasons, constant query count, no stale answer after a change."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from credentialing import services

pytestmark = pytest.mark.django_db
URL = "/api/v1/privileges/check/"


def _check(api, user, staff, item, **extra):
    q = "&".join(f"{k}={v}" for k, v in {"staff": staff, "item": item, **extra}.items())
    return api(user).get(f"{URL}?{q}")


def test_it_allows_a_valid_grant(reg, api, personas):
    p = reg.grant("D0101", "ABX-S")
    r = _check(api, personas["his_h001"], "D0101", "ABX-S")
    assert r.status_code == 200
    assert r.json() == {"allowed": True, "reason": f"已授权，有效期至 {p.valid_until}。", "privilege": p.pk,
                        "valid_until": str(p.valid_until)}


def test_it_sees_a_revocation_at_once_through_the_cache(reg, api, personas):
    p = reg.grant("D0101", "ABX-S")
    his = personas["his_h001"]
    assert _check(api, his, "D0101", "ABX-S").json()["allowed"] is True
    assert _check(api, his, "D0101", "ABX-S").json()["allowed"] is True  # now cached
    services.privilege_revoke(privilege=p, actor=reg.user("qc_office"), reason="严重违规")
    answer = _check(api, his, "D0101", "ABX-S").json()
    assert answer["allowed"] is False and "撤销" in answer["reason"] and "严重违规" in answer["reason"]


def test_it_keeps_a_constant_query_count_whatever_the_grants(reg, api, personas):
    """A HIS check costs one statement (token, HIS hospital and check generation together) plus the HIS request
    log on a cache hit, and three more on a miss (person, item, grants), however many grants the person has."""
    his = personas["his_h001"]
    reg.grant("D0101", "ABX-S")
    client = api(his)

    def count():
        from django.core.cache import cache

        cache.clear()
        with CaptureQueriesContext(connection) as miss:
            assert client.get(f"{URL}?staff=D0101&item=ABX-S").status_code == 200
        with CaptureQueriesContext(connection) as hit:
            assert client.get(f"{URL}?staff=D0101&item=ABX-S").status_code == 200
        return [q["sql"] for q in miss.captured_queries], [q["sql"] for q in hit.captured_queries]

    few = count()
    for months_back in range(1, 8):
        reg.grant("D0101", "ABX-S", months=1, start=reg.today - dt.timedelta(days=40 * months_back))
    many = count()
    assert (len(few[0]), len(few[1])) == (len(many[0]), len(many[1])) == (5, 2)
    token, log = many[1]
    assert "credentialing_checkgeneration" in token and "authtoken_token" in token
    assert log.startswith('INSERT INTO "his_apirequestlog"')


def test_a_non_his_caller_reads_the_generation_itself_and_sees_a_revocation(reg, api, personas):
    p = reg.grant("D0101", "ABX-S")
    qc = api(personas["qc_office"])
    assert qc.get(f"{URL}?staff=D0101&item=ABX-S&institution=H001").json()["allowed"] is True
    services.privilege_revoke(privilege=p, actor=reg.user("qc_office"), reason="严重违规")
    assert qc.get(f"{URL}?staff=D0101&item=ABX-S&institution=H001").json()["allowed"] is False


def test_a_revoked_his_token_is_refused_by_the_check(reg, api, personas):
    from rest_framework.authtoken.models import Token

    client = api(personas["his_h001"])
    assert client.get(f"{URL}?staff=D0101&item=ABX-S").status_code == 200
    Token.objects.filter(user=personas["his_h001"]).delete()
    assert client.get(f"{URL}?staff=D0101&item=ABX-S").status_code == 401


def test_it_refuses_missing_and_malformed_parameters(reg, api, personas):
    client = api(personas["his_h001"])
    r = client.get(f"{URL}?item=ABX-S")
    assert r.status_code == 400 and "staff" in r.json()
    r = client.get(f"{URL}?staff=D0101&item=ABX-S&at=yesterday")
    assert r.status_code == 400 and "at" in r.json()


def test_it_names_the_expiry_date(reg, api, personas):
    p = reg.grant("D0101", "ABX-S", months=1, start=reg.today - dt.timedelta(days=60))
    answer = _check(api, personas["his_h001"], "D0101", "ABX-S").json()
    assert answer["allowed"] is False and f"已于 {p.valid_until} 到期" in answer["reason"]


def test_it_answers_for_a_moment_given(reg, api, personas):
    p = reg.grant("D0101", "ABX-S", months=1, start=reg.today - dt.timedelta(days=60))
    at = f"{p.valid_from + dt.timedelta(days=3)}T10:00:00%2B08:00"
    assert _check(api, personas["his_h001"], "D0101", "ABX-S", at=at).json()["allowed"] is True


def test_it_says_why_a_title_is_below(reg, api, personas):
    answer = _check(api, personas["his_h001"], "D0103", "ABX-S").json()
    assert answer["allowed"] is False and "中级" in answer["reason"] and "副高" in answer["reason"]


def test_it_says_suspended_and_why(reg, api, personas):
    p = reg.grant("D0101", "ABX-S")
    services.privilege_suspend(privilege=p, actor=reg.user("qc_office"), reason="处方点评不合格")
    answer = _check(api, personas["his_h001"], "D0101", "ABX-S").json()
    assert answer["allowed"] is False and "暂停" in answer["reason"] and "处方点评不合格" in answer["reason"]


def test_it_says_a_technology_was_stopped(reg, api, personas):
    from credentialing.models import PrivilegeItem

    item = PrivilegeItem.objects.create(institution=reg.h001, code="T-X", name="某限制类技术", category="technology",
                                        min_title="associate_senior", max_validity_months=12, is_restricted=True)
    reg.grant("D0101", "T-X")
    assert _check(api, personas["his_h001"], "D0101", "T-X").json()["allowed"] is True
    services.privilege_item_stop(item=item, actor=reg.user("qc_office"), reason="发生严重并发症")
    answer = _check(api, personas["his_h001"], "D0101", "T-X").json()
    assert answer["allowed"] is False and "停止临床应用" in answer["reason"] and "严重并发症" in answer["reason"]


def test_it_is_404_for_staff_outside_the_his_hospital(reg, api, personas):
    assert _check(api, personas["his_h001"], "D0201", "ABX-R").status_code == 200  # H001's D0201
    assert _check(api, personas["his_h001"], "NOBODY", "ABX-R").status_code == 404
    assert _check(api, personas["his_h001"], "D0101", "ABX-R", institution="H002").status_code == 404


def test_it_answers_the_h002_his_about_its_own_d0101_only(reg, api, personas):
    from qms.his.services import his_account_create

    user, _key = his_account_create(institution=reg.h002, username="his_h002", name="H002 HIS", actor=None)
    reg.grant("D0101", "ABX-S")  # H001's 张明
    from django.contrib.auth import get_user_model

    answer = _check(api, get_user_model().objects.get(pk=user.pk), "D0101", "ABX-S").json()
    assert answer["allowed"] is False  # H002's D0101 holds nothing


def test_it_rejects_missing_parameters_and_unknown_items(reg, api, personas):
    assert api(personas["his_h001"]).get(URL).status_code == 400
    assert _check(api, personas["his_h001"], "D0101", "NOPE").status_code == 400
    assert _check(api, personas["his_h001"], "D0101", "ABX-S", at="yesterday").status_code == 400


def test_the_cache_key_is_valid_whatever_the_codes_sent(monkeypatch):
    """A fuzzed code with control characters gave a key memcached refuses (CacheKeyWarning): the codes are hashed."""
    import warnings

    from django.core.cache import CacheKeyWarning
    from django.core.cache.backends.base import BaseCache

    from credentialing import check

    keys: list[str] = []
    original = BaseCache.validate_key

    def strict(self, key):
        keys.append(key)
        with warnings.catch_warnings():
            warnings.simplefilter("error", CacheKeyWarning)  # a warning becomes a failure
            return original(self, key)

    monkeypatch.setattr(BaseCache, "validate_key", strict)
    with pytest.raises(check.UnknownStaff):
        check._facts(1, "\U0002ec4b>O\x10", "x" * 300, 0)
    assert keys and all("cred-check:1:0:" in k and len(k) < 100 for k in keys)
