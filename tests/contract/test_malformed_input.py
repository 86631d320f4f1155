"""Issue 13 item 7: input of any shape is a 400 (or 404/413) with a message in the API's error shape, never a
500. Each case below was a 500 before: found by schemathesis or by hand."""
from __future__ import annotations

import json

import pytest
from django.test import override_settings

from tests.adverse_events.conftest import payload  # noqa: F401

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/adverse-events/"
RANGE = "日期应在 1901-01-01 至 2099-12-31 之间。"


@pytest.fixture
def qc(api, personas):
    return api(personas["qc_office"])


def test_a_month_of_year_zero_or_thirteen_is_a_400(qc):
    for period in ("0000-00", "2026-13", "1999-12", "x"):
        response = qc.get("/api/v1/indicator-values/", {"period": period})
        assert response.status_code == 400, period
        assert response.json() == {"period": ["月份格式应为 YYYY-MM，例如 2025-03。"]}
    assert qc.get("/api/v1/indicator-values/", {"period": "2026-01"}).status_code == 200


def test_working_days_from_the_calendars_edge_is_a_400(qc):
    response = qc.get("/api/v1/calendar/add-workdays/", {"start": "9999-12-31", "days": 5})
    assert response.status_code == 400 and response.json() == {"start": [RANGE]}
    assert qc.get("/api/v1/calendar/add-workdays/", {"start": "2099-12-31", "days": 3660}).status_code == 200


def test_an_id_that_is_not_a_number_or_past_a_bigint_is_a_json_404(qc):
    for path in ("/api/v1/adverse-events/abc/classify/", "/api/v1/interviews/abc/hold/",
                 "/api/v1/adverse-events/99999999999999999999/"):
        response = qc.post(path, {}, format="json") if path.endswith("/hold/") or "classify" in path else qc.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"].startswith("application/json") and response.json() == {"detail": "未找到。"}


@pytest.mark.parametrize("path", [EVENTS, "/api/v1/auth/token/"])
def test_a_deeply_nested_body_is_a_400_even_before_sign_in(api, personas, path):
    client = api(personas["staff_nurse"]) if path == EVENTS else api()
    for depth in (40, 100_000):  # past the limit; and past Python's recursion limit
        response = client.post(path, "[" * depth + "]" * depth, content_type="application/json")
        assert response.status_code == 400, depth
        assert response.json() == {"non_field_errors": ["请求体嵌套层数过多（不得超过 32 层）。"]}


def test_a_broken_body_says_so_in_chinese(api, personas):
    response = api(personas["staff_nurse"]).post(EVENTS, "{bad", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["non_field_errors"][0].startswith("请求体不是有效的 JSON：")


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00", "9999-12-31T23:59:59", "1850-01-01T00:00:00+08:00",
                                    "2100-01-01T00:00:00+08:00", "0001-01-01T00:00:00+05:00"])
def test_a_time_outside_the_plausible_years_is_a_400_that_names_them(api, personas, payload, moment):  # noqa: F811
    response = api(personas["staff_nurse"]).post(EVENTS, payload(occurred_at=moment), format="json")
    assert response.status_code == 400
    assert response.json()["occurred_at"] == [RANGE]


def test_a_date_outside_the_years_is_a_400_too(api, personas):
    staff = api(personas["qc_office"])
    response = staff.post("/api/v1/staff/", {"institution": "H001", "birth_date": "0001-01-01"}, format="json")
    assert response.status_code == 400  # the first error need not be the date; it must not be a 500


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_an_oversized_body_is_a_json_413(api, personas, payload):  # noqa: F811
    body = json.dumps(payload(description="长" * 2000))
    response = api(personas["staff_nurse"]).post(EVENTS, body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"non_field_errors": ["请求体过大（不得超过 1.0\xa0KB）。"]}


def test_it_says_so_in_english_on_request(api, personas):
    client = api(personas["qc_office"], HTTP_ACCEPT_LANGUAGE="en")
    nested = client.post(EVENTS, "[" * 50 + "]" * 50, content_type="application/json")
    assert nested.json() == {"non_field_errors": ["The request body is nested too deeply (at most 32 levels)."]}
    edge = client.get("/api/v1/calendar/add-workdays/", {"start": "9999-12-31", "days": 1})
    assert edge.json() == {"start": ["The date must lie between 1901-01-01 and 2099-12-31."]}
    assert client.get("/api/v1/adverse-events/abc/").json() == {"detail": "Not found."}
