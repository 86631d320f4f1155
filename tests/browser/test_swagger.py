"""Swagger UI in real Chromium: it renders, asks nothing of another origin, and the CSP blocks nothing."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_under_the_csp_from_the_app_alone(page, live_server):
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title", timeout=30000)
    page.wait_for_selector("#operations-tag-adverse-events, .opblock-tag", timeout=30000)
    assert "医疗质量管理系统" in page.locator(".swagger-ui .info .title").inner_text()
    assert requests and all(u.startswith(live_server.url) or u.startswith("data:") for u in requests), requests
    assert not [p for p in problems if "Content Security Policy" in p], problems
    page.screenshot(path="/tmp/swagger.png")
