"""The browsable API shows another hospital nothing (issue 13 item 2): every list endpoint with ?format=api as
H002's quality office, searched for the names and titles of H001's people, meetings and agenda items; and
production serves JSON only."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from committees.models import AgendaItem, Meeting
from organizations.models import Membership
from tests.crawl import list_paths, schema_paths
from tests.seeded import seeded  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("security_browsable")]


def _h001_needles() -> set[str]:
    users = get_user_model().objects.filter(memberships__institution__code="H001").exclude(
        memberships__institution__code="H002").distinct()
    names = {u.get_full_name() for u in users} | {u.username for u in users}
    others = get_user_model().objects.exclude(pk__in=users.values("pk"))
    names -= {u.get_full_name() for u in others}  # generated names ("妇产科质控联络员") every hospital has
    titles = set(Meeting.objects.filter(institution__code="H001").values_list("title", flat=True))
    titles |= set(AgendaItem.objects.filter(meeting__institution__code="H001").values_list("title", flat=True))
    # standard agenda titles every hospital has are not H001's
    titles -= set(Meeting.objects.exclude(institution__code="H001").values_list("title", flat=True))
    titles -= set(AgendaItem.objects.exclude(meeting__institution__code="H001").values_list("title", flat=True))
    return {n for n in names | titles if n and len(n) >= 3}


def test_it_shows_no_h001_name_or_title_on_any_browsable_list_to_h002(seeded, client):  # noqa: F811
    h002 = seeded.user("qc_office_h002")
    # "qc_office" is part of the viewer's own user name, shown in the page's header
    needles = {n for n in _h001_needles() if n not in h002.username and n not in h002.get_full_name()}
    assert len(needles) > 20
    assert not Membership.objects.filter(user=h002, institution__code="H001").exists()
    client.force_login(h002)
    paths = schema_paths(client)
    crawled = 0
    for path in list_paths(paths):
        page = client.get(path, {"format": "api"}, HTTP_ACCEPT="text/html")
        assert page.status_code == 200, (path, page.status_code)
        assert page["Content-Type"].startswith("text/html"), path
        html = page.content.decode()
        found = sorted(n for n in needles if n in html)
        assert found == [], (path, found[:10])
        crawled += 1
    assert crawled >= 12


def test_production_serves_json_only():
    import importlib
    import os

    os.environ.setdefault("SECRET_KEY", "x" * 50)
    production = importlib.import_module("qms.settings.production")
    assert production.REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] == ["rest_framework.renderers.JSONRenderer"]
