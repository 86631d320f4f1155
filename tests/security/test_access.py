"""Reach and uploads: every object path as a user of another department and of another hospital (pages and
API), uploads checked by content and size and served as attachments, passwords per Django's validators."""
from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from organizations.models import Department, Membership
from tests.crawl import all_rows, list_paths, needs_query, schema_paths
from tests.security.test_pages import crawl
from tests.seeded import seeded  # noqa: F401

# One worker per module: the whole demo is seeded once per module (tests/seeded.py).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("security_access")]

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
HTML_AS_PDF = b"<html><script>alert(1)</script></html>"


@pytest.fixture
def gs_staff(seeded):  # noqa: F811
    """A nurse of H001's general surgery: same hospital, another department than CARD."""
    user = get_user_model().objects.create_user("gs_nurse", password="pw-Gs-Nurse-2026")
    Membership.objects.create(user=user, role=Membership.Role.STAFF, institution=seeded.institution("H001"),
                              department=Department.objects.get(institution__code="H001", code="GS"))
    return user


def test_another_department_gets_404_or_403_on_every_h001_object_path(seeded, api, gs_staff):  # noqa: F811
    """GET of what one's role does not reach is 404; a write to a visible object one may not change is 403;
    a write that checks its body first answers exactly as for an object that does not exist."""
    qc, other = api(seeded.user("qc_office")), api(gs_staff)
    paths = schema_paths(qc)
    probed = hidden_card = 0
    for list_path in list_paths(paths):
        rows = [r for r in all_rows(qc, list_path) if r.get("institution", "H001") == "H001"]
        card = [r for r in rows if r.get("department") == "CARD"][:2]
        for template, ops in paths.items():
            if not template.startswith(list_path + "{") or template.count("{") != 1:
                continue
            nowhere = re.sub(r"\{[^}]+\}", "987654321", template)
            for row in (card + rows)[:3]:
                key = row.get("id") if "{id}" in template else row.get("code")
                if key is None:
                    continue
                url = re.sub(r"\{[^}]+\}", str(key), template)
                if "get" in ops and not needs_query(ops["get"]):  # a question (required query) is not an object read
                    got = other.get(url)
                    assert got.status_code in (200, 404), (url, got.status_code)
                    if row in card and list_path == "/api/v1/adverse-events/":
                        assert got.status_code == 404, url  # CARD's events are not GS's business
                        hidden_card += 1
                if "post" in ops:
                    posted = other.post(url, {}, format="json")
                    assert posted.status_code in (400, 403, 404), (url, posted.status_code, posted.content[:200])
                    if posted.status_code == 400:
                        blind = other.post(nowhere, {}, format="json")
                        assert (blind.status_code, blind.content) == (400, posted.content), url
                probed += 1
    assert probed >= 30 and hidden_card >= 1


def test_every_h001_page_is_404_for_another_hospital_and_card_events_for_another_department(
        seeded, gs_staff):  # noqa: F811
    qc = Client()
    qc.force_login(seeded.user("qc_office"))
    pages = [url for url, r in crawl(qc).items() if r.status_code == 200 and re.search(r"/\d+/", url)]
    assert len(pages) >= 15
    stranger, colleague = Client(), Client()
    stranger.force_login(seeded.user("qc_office_h002"))
    colleague.force_login(gs_staff)
    from adverse_events.models import AdverseEvent

    card_events = set(AdverseEvent.objects.filter(department__code="CARD", institution__code="H001")
                      .exclude(reporter=gs_staff).values_list("pk", flat=True))
    for url in pages:
        assert stranger.get(url).status_code == 404, url
        response = colleague.get(url)
        assert response.status_code in (200, 403, 404), url
        match = re.match(r"^/events/(\d+)/", url)
        if match and int(match.group(1)) in card_events:
            assert response.status_code == 404, url


# ---------------------------------------------------------------- uploads


def _upload(name: str, content: bytes, content_type: str = "application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def test_uploads_are_checked_by_content_and_size_and_served_as_attachments(seeded, api, settings):  # noqa: F811
    from adverse_events.models import AdverseEvent

    event = AdverseEvent.objects.filter(institution__code="H001").exclude(status="withdrawn").first()
    qc = api(seeded.user("qc_office"))
    url = f"/api/v1/adverse-events/{event.pk}/attachments/"
    disguised = qc.post(url, {"file": _upload("report.pdf", HTML_AS_PDF)}, format="multipart")
    assert disguised.status_code == 400 and "file" in disguised.json()
    exe = qc.post(url, {"file": _upload("scan.png", b"MZ\x90\x00" + b"\x00" * 200, "image/png")}, format="multipart")
    assert exe.status_code == 400
    settings.QMS_UPLOAD_MAX_BYTES = 64
    big = qc.post(url, {"file": _upload("big.png", PNG + b"\x00" * 100, "image/png")}, format="multipart")
    assert big.status_code == 400
    settings.QMS_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    ok = qc.post(url, {"file": _upload("<b>x</b>.png", PNG, "text/html")}, format="multipart")
    assert ok.status_code == 201, ok.content
    assert ok.json()["content_type"] == "image/png"  # from the bytes, not from what the client said

    page = Client()
    page.force_login(seeded.user("qc_office"))
    download = page.get(f"/events/{event.pk}/attachments/{ok.json()['id']}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "image/png"
    stranger = Client()
    stranger.force_login(seeded.user("qc_office_h002"))
    assert stranger.get(f"/events/{event.pk}/attachments/{ok.json()['id']}/").status_code == 404


def test_interview_documents_are_checked_and_served_as_attachments(seeded, api):  # noqa: F811
    from interviews.models import Interview

    interview = Interview.objects.filter(institution__code="H001", organiser__code="JN").exclude(
        status="cancelled").first()
    assert interview is not None
    official = api(seeded.user("official_jn"))
    url = f"/api/v1/interviews/{interview.pk}/documents/"
    bad = official.post(url, {"kind": "notice_proof", "file": _upload("proof.pdf", HTML_AS_PDF)}, format="multipart")
    assert bad.status_code == 400
    good = official.post(url, {"kind": "notice_proof", "file": _upload("proof.png", PNG, "image/png")},
                         format="multipart")
    if good.status_code == 400:  # this step may not take that kind now; the type check is what matters here
        pytest.fail(f"a valid PNG was refused: {good.content[:300]!r}")
    assert good.status_code == 201, good.content
    page = Client()
    page.force_login(seeded.user("official_jn"))
    download = page.get(f"/interviews/{interview.pk}/documents/{good.json()['id']}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_an_event_attachment_is_named_and_served_with_the_extension_of_its_bytes(seeded, api):  # noqa: F811
    """Issue 13 item 9: "report.html" holding a PDF is kept and downloaded as "report.pdf"."""
    from adverse_events.models import AdverseEvent, EventAttachment

    event = AdverseEvent.objects.filter(institution__code="H001").exclude(status="withdrawn").first()
    qc = api(seeded.user("qc_office"))
    ok = qc.post(f"/api/v1/adverse-events/{event.pk}/attachments/", {"file": _upload("report.html", PDF, "text/html")},
                 format="multipart")
    assert ok.status_code == 201, ok.content
    assert ok.json()["name"] == "report.pdf"
    assert EventAttachment.objects.get(pk=ok.json()["id"]).name == "report.pdf"
    page = Client()
    page.force_login(seeded.user("qc_office"))
    download = page.get(f"/events/{event.pk}/attachments/{ok.json()['id']}/")
    assert 'filename="report.pdf"' in download["Content-Disposition"]
    assert download["Content-Type"] == "application/pdf"


def test_an_interview_document_is_named_and_served_with_the_extension_of_its_bytes(seeded, api):  # noqa: F811
    from interviews.models import Interview, InterviewDocument

    interview = Interview.objects.filter(institution__code="H001", organiser__code="JN").exclude(
        status="cancelled").first()
    official = api(seeded.user("official_jn"))
    r = official.post(f"/api/v1/interviews/{interview.pk}/documents/",
                      {"kind": "notice_proof", "file": _upload("proof.html", PDF, "text/html")}, format="multipart")
    assert r.status_code == 201, r.content
    doc = InterviewDocument.objects.get(pk=r.json()["id"])
    assert doc.original_name == "proof.pdf" and doc.file.name.endswith(".pdf")
    page = Client()
    page.force_login(seeded.user("official_jn"))
    download = page.get(f"/interviews/{interview.pk}/documents/{doc.pk}/")
    assert 'filename="proof.pdf"' in download["Content-Disposition"]


def test_media_files_are_not_served_publicly(seeded, client):  # noqa: F811
    assert client.get("/media/anything.png").status_code == 404


# ---------------------------------------------------------------- passwords


@pytest.mark.parametrize("password", ["12345678", "password", "abc", "qc_office1", "20260101"])
def test_weak_passwords_are_refused(seeded, password):  # noqa: F811
    with pytest.raises(ValidationError):
        validate_password(password, user=seeded.user("qc_office"))


def test_a_strong_password_passes_and_the_four_validators_are_on(seeded, settings):  # noqa: F811
    validate_password("Quality-Office-Zhou-2026!", user=seeded.user("qc_office"))
    names = {v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert names == {"UserAttributeSimilarityValidator", "MinimumLengthValidator", "CommonPasswordValidator",
                     "NumericPasswordValidator"}


def test_the_password_change_form_applies_them(seeded):  # noqa: F811
    from django.contrib.auth.forms import SetPasswordForm

    form = SetPasswordForm(seeded.user("qc_office"), {"new_password1": "12345678", "new_password2": "12345678"})
    assert not form.is_valid()
