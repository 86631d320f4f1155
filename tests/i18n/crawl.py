"""Crawl every page a user can reach, in English, and list the Chinese left that is not data.

Data (hospital and department names, people, what users typed: minutes, findings, titles) stays as entered.
Everything else — labels, headings, messages, statuses, reference data (event types, harm levels, indicator
names and targets, bulletin headings, rule names) — must be English. The data allowed is read from the
database: every text value of every model except the reference-data models, whose names have English
translations in the catalogue. Quoted regulation titles (《…》) and document numbers (…〔2024〕3号) may stay.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlparse

from django.apps import apps
from django.db import models
from django.test import Client

CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]")
# Reference data: shown through the catalogue, so not data.
REFERENCE_MODELS = {"adverse_events.eventtype", "adverse_events.severitylevel", "adverse_events.severityclass",
                    "indicators.indicator"}
# Stored texts that the code writes (not people): must not excuse untranslated UI text.
GENERATED = {("core", "transition", "reason"), ("notifications", "notification", "title"),
             ("notifications", "notification", "body"), ("notifications", "notification", "article"),
             ("core", "deadline", "article")}
QUOTED = re.compile(r"《[^》]*》|[\u4e00-\u9fff]+〔\d{4}〕\d+号")
SKIP = ("/admin", "/api", "/static", "/media", "/accounts/logout", "/i18n", "/healthz")
FILES = re.compile(r"\.(pdf|xlsx|csv|zip)$|/pdf/?$|/export|download|/attachments?/|template\.xlsx")


def data_values() -> list[str]:
    values: set[str] = set()
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in REFERENCE_MODELS or model._meta.app_label in {"admin", "sessions", "contenttypes", "axes",
                                                                   "django_celery_beat", "authtoken", "guardian"}:
            continue
        fields = [f.name for f in model._meta.get_fields()
                  if isinstance(f, (models.CharField, models.TextField)) and not f.choices
                  and (model._meta.app_label, model._meta.model_name, f.name) not in GENERATED]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for v in row:
                if v and CJK.search(v):
                    values.update(x.strip() for x in re.split(r"[\r\n]+", v) if x.strip())
    # A step's reason is what its actor typed when a person took the step (a note, a return reason); the
    # reasons steps without a person get are written by the code and stay under test.
    from qms.core.models import Transition

    for reason in Transition.objects.filter(actor__isnull=False).exclude(reason="").values_list("reason", flat=True):
        if CJK.search(reason):
            values.update(x.strip() for x in re.split(r"[\r\n]+", reason) if x.strip())
    from django.contrib.auth import get_user_model

    for first, last in get_user_model().objects.values_list("first_name", "last_name"):
        values.add(f"{last}{first}")
    return sorted(values, key=len, reverse=True)


def _visible(html: str) -> list[str]:
    html = re.sub(r"<(script|style|textarea)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<(option)\b[^>]*>(.*?)</option>", r"\n\2\n", html, flags=re.S)
    html = re.sub(r"<svg\b.*?</svg>", lambda m: re.sub(r"<title>.*?</title>", " ", m.group(0), flags=re.S),
                  html, flags=re.S)
    text = re.sub(r"<[^>]+>", "\n", html)
    text = text.replace("&amp;", "&").replace("&gt;", ">").replace("&lt;", "<").replace("&quot;", '"')
    return [line.strip() for line in text.splitlines() if line.strip()]


def leftovers(lines: Iterable[str], data: re.Pattern | None) -> list[str]:
    out = []
    for line in lines:
        # data first: a stored value may itself quote a title (修订《…》制度)
        rest = data.sub(" ", line) if data is not None else line
        rest = QUOTED.sub(" ", rest)
        if CJK.search(rest.replace("简体中文", "")):
            out.append(line)
    return out


def crawl_english(usernames: Iterable[str], *, limit: int = 250,
                  skip: tuple[str, ...] = ()) -> dict[str, tuple[str, str]]:
    """{untranslated line: (user, first url)} over the pages each user reaches by following links from /.

    `skip`: further URL prefixes not crawled (pages whose catalogue is still being written elsewhere)."""
    from django.contrib.auth import get_user_model

    values = data_values()
    data = re.compile("|".join(re.escape(v) for v in values)) if values else None
    found: dict[str, tuple[str, str]] = {}
    for username in usernames:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(get_user_model().objects.get(username=username))
        seen: set[str] = set()
        shapes: dict[str, int] = {}
        queue = ["/"]
        while queue and len(seen) < limit:
            url = queue.pop(0)
            if url in seen:
                continue
            # At most 3 pages of one shape (/events/1/, /events/2/…): the same template with other data.
            shape = re.sub(r"\d+", "N", url.split("?")[0]) + ("?" if "?" in url else "")
            if shapes.get(shape, 0) >= 3:
                continue
            shapes[shape] = shapes.get(shape, 0) + 1
            seen.add(url)
            response = client.get(url)
            assert response.status_code < 500, (username, url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            html = response.content.decode()
            for line in leftovers(_visible(html), data):
                found.setdefault(line, (username, url))
            for href in re.findall(r'href="([^"#]*)"', html):
                href = href.replace("&amp;", "&")
                if (not href.startswith("/") or urlparse(href).netloc or href.startswith(SKIP + tuple(skip))
                        or FILES.search(href)):
                    continue
                if href not in seen:
                    queue.append(href)
    return found
