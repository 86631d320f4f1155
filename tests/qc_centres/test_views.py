"""Every 质控中心 page renders for the people who use it, and stays out of reach of the others (issue 20)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qc_centres import services
from qc_centres.models import HostApplication
from tests.qc_centres.helpers import centre, full_committee

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_every_page_renders(demo, personas):
    c, secretary = centre(demo, personas)
    full_committee(c, secretary)
    visit = services.visit_record(centre=c, institution=demo.institutions["H002"], actor=secretary,
                                  visited_on=timezone.localdate(), report="质控报告",
                                  findings=[{"problem": "问题", "due_on": timezone.localdate() + dt.timedelta(days=20)}])
    app = services.application_submit(authority=demo.authorities["JN"], specialty="妇产科",
                                      applicant=demo.institutions["H002"], actor=personas["qc_office_h002"])
    pages = [reverse("qc_centres:list"), reverse("qc_centres:new"), reverse("qc_centres:applications"),
             reverse("qc_centres:application", args=[app.pk])]
    pages += [reverse(f"qc_centres:{name}", args=[c.pk]) for name in
              ("detail", "committee", "cycle", "visits", "assessment", "data")]
    pages.append(reverse("qc_centres:visit", args=[visit.pk]))
    official = client_for(personas["official_jn"])
    for url in pages:
        r = official.get(url)
        assert r.status_code == 200, url
    sec = client_for(secretary)
    for name in ("detail", "committee", "cycle", "visits", "data"):
        assert sec.get(reverse(f"qc_centres:{name}", args=[c.pk])).status_code == 200
    hospital = client_for(personas["qc_office_h002"])
    assert hospital.get(reverse("qc_centres:application_new")).status_code == 200
    r = hospital.get(reverse("qc_centres:visit", args=[visit.pk]))
    assert r.status_code == 200 and "reply-form" in r.content.decode()
    assert hospital.get(reverse("qc_centres:detail", args=[c.pk])).status_code == 404
    english = client_for(personas["official_jn"])
    english.cookies["django_language"] = "en"
    r = english.get(reverse("qc_centres:committee", args=[c.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    assert HostApplication.objects.count() == 1


def test_secretary_journey_by_forms(demo, personas):
    c, secretary = centre(demo, personas)
    sec = client_for(secretary)
    url = reverse("qc_centres:committee", args=[c.pk])
    r = sec.post(url, {"action": "add", "name": "老专家", "role": "director", "from_host": "on", "birth_date": "1960-01-01",
                       "title": "senior", "appointed_on": "2025-01-10"})
    assert r.status_code == 400 and "56" in r.content.decode()
    r = sec.post(reverse("qc_centres:visits", args=[c.pk]), {
        "institution": demo.institutions["H002"].pk, "visited_on": timezone.localdate().isoformat(), "report": "报告",
        "problem": "未按规范", "due_on": (timezone.localdate() + dt.timedelta(days=10)).isoformat()})
    assert r.status_code == 302
    r = sec.get(reverse("qc_centres:visits", args=[c.pk]))
    assert 'data-institution="H001"' in r.content.decode()
    # data pages are closed to the host's other users
    assert client_for(personas["qc_office"]).get(reverse("qc_centres:data", args=[c.pk])).status_code == 403
