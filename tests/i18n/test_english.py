"""Chinese UI by default, English available (SPEC: LANGUAGE_CODE zh-hans, LANGUAGES zh-hans + en).

The language comes from the footer's set_language form (session/cookie) or the Accept-Language header;
the English text comes from the single catalogue locale/en/LC_MESSAGES/django.po.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from organizations.models import Membership

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]")
PLACEHOLDER = re.compile(r"%\([a-zA-Z_0-9]+\)[sd]|%[sd]|\{[a-zA-Z_0-9]*\}")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


# --- the catalogue ---------------------------------------------------------------------------------


def parse_po(text: str) -> list[dict]:
    """A tiny .po reader: entries with their flags, msgid, msgid_plural and msgstr(s); obsolete ones skipped."""
    entries: list[dict] = []
    current: dict | None = None
    key: tuple[str, int] | str | None = None

    def flush() -> None:
        if current is not None and "msgid" in current:
            entries.append(current)

    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#~"):
            continue
        if not line:
            flush()
            current, key = None, None
            continue
        if current is None:
            current = {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            current["flags"] |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(key, tuple):
                current["msgstr"][key[1]] += value
            else:
                current[key] += value
        else:
            word, _, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            if word.startswith("msgstr["):
                key = ("msgstr", int(word[7:-1]))
                current["msgstr"][key[1]] = value
            elif word == "msgstr":
                key = ("msgstr", 0)
                current["msgstr"][0] = value
            else:
                key = word
                current[word] = value
    flush()
    return entries


@pytest.fixture(scope="module")
def catalogue() -> list[dict]:
    assert PO.exists(), "run: manage.py makemessages -l en (see locale/i18n_fill.py)"
    return [e for e in parse_po(PO.read_text(encoding="utf-8")) if e["msgid"]]


def test_it_has_one_project_wide_catalogue_with_the_ui_strings(catalogue):
    assert len(catalogue) > 1000
    ids = {e["msgid"] for e in catalogue}
    assert {"登录", "首页", "退出", "质控办", "约谈"} <= ids
    base = Path(settings.BASE_DIR)
    per_app = [p for pattern in ("*/locale", "*/*/locale") for p in base.glob(pattern)
               if p.parts[len(base.parts)] not in {".venv", "node_modules", "static"}]
    assert per_app == [], "one catalogue only: locale/en/LC_MESSAGES/django.po"


def test_it_leaves_no_entry_untranslated_or_fuzzy(catalogue):
    untranslated = [e["msgid"] for e in catalogue if not all(e["msgstr"].values()) or not e["msgstr"]]
    fuzzy = [e["msgid"] for e in catalogue if "fuzzy" in e["flags"]]
    assert untranslated == [], f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


def test_it_keeps_every_placeholder_and_writes_english(catalogue):
    wrong = []
    for e in catalogue:
        for text in e["msgstr"].values():
            if sorted(PLACEHOLDER.findall(e["msgid"])) != sorted(PLACEHOLDER.findall(text)):
                wrong.append((e["msgid"], text))
    assert wrong == []
    # Chinese may remain only as a quoted regulation or document name, never as the whole translation.
    chinese_only = [e["msgid"] for e in catalogue for t in e["msgstr"].values()
                    if CJK.search(t) and not re.search(r"[A-Za-z]", t) and t != e["msgid"] and "〔" not in t]
    assert chinese_only == []


def test_it_parses_plural_and_multiline_entries():
    po = 'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n#, fuzzy, python-format\nmsgid "%(n)s 个"\nmsgid_plural "%(n)s 个"\n' \
         'msgstr[0] "%(n)s item"\nmsgstr[1] ""\n\nmsgid "长"\n"文本"\nmsgstr "long "\n"text"\n\n#~ msgid "旧"\n#~ msgstr ""\n'
    entries = parse_po(po)
    assert [e["msgid"] for e in entries] == ["", "%(n)s 个", "长文本"]
    assert entries[1]["flags"] == {"fuzzy", "python-format"} and entries[1]["msgstr"] == {0: "%(n)s item", 1: ""}
    assert entries[2]["msgstr"] == {0: "long text"}


# --- pages -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_shows_the_login_page_in_chinese_by_default():
    html = Client().get("/accounts/login/").content.decode()
    assert 'lang="zh-CN"' in html
    assert "登录" in html and "用户名" in html and "密码" in html
    assert "Sign in" not in html


@pytest.mark.django_db
def test_it_shows_the_login_page_in_english_for_accept_language_en():
    response = Client().get("/accounts/login/", **EN)
    html = response.content.decode()
    assert response.status_code == 200 and 'lang="en"' in html
    assert "Sign in" in html and "Username" in html and "Password" in html
    assert "Medical Quality Management System" in html and "Shandong Medical Quality Management Standards" in html
    # No Chinese left but the language selector's own name and the regulation's title in brackets.
    text = _visible_text(html).replace("简体中文", "").replace("《山东省医疗质量管理规范（试行）》", "")
    assert not CJK.search(text), CJK.findall(text)


@pytest.mark.django_db
def test_it_refuses_a_wrong_password_in_english(demo):
    response = Client().post("/accounts/login/", {"username": "qc_office", "password": "wrong"}, **EN)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="login-error"' in html
    assert not CJK.search(html.split('id="login-error"')[1].split("</div>")[0])


@pytest.mark.django_db
def test_it_shows_the_home_page_in_english_for_accept_language_en(personas):
    client = Client()
    client.force_login(personas["qc_office"])
    html = client.get("/", **EN).content.decode()
    assert 'lang="en"' in html
    for text in ("Hello, ", "Your roles", "Upcoming deadlines", "Home", "Sign out", "Switch"):
        assert text in html, text
    for text in ("您好", "您的岗位", "近期到期事项", "退出", "切换"):
        assert text not in html, text


@pytest.mark.django_db
def test_it_keeps_the_home_page_chinese_without_a_header(personas):
    client = Client()
    client.force_login(personas["qc_office"])
    html = client.get("/").content.decode()
    assert "您好" in html and "近期到期事项" in html and "退出" in html
    assert "Upcoming deadlines" not in html


@pytest.mark.django_db
def test_it_switches_to_english_with_the_footer_form_and_back(personas):
    client = Client()
    client.force_login(personas["qc_office"])
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get("/").content.decode()  # no Accept-Language: the cookie decides
    assert "Upcoming deadlines" in html and "近期到期事项" not in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "近期到期事项" in client.get("/", **EN).content.decode()  # the chosen language beats the header


@pytest.mark.django_db
def test_it_translates_role_and_structure_texts_built_in_python(personas, demo):
    official = personas["official_jn2"]
    Membership.objects.filter(user=official).update(title="", is_leader=True)
    client = Client()
    client.force_login(official)
    html = client.get("/", **EN).content.decode()
    assert "Health authority official (head)" in html

    client.force_login(personas["qc_office_h002"])
    structure = client.get(reverse("organizations:structure", args=["H002"]), **EN).content.decode()
    assert "Art. 11" in structure and "has no quality controller" in structure
    assert "第十一条" not in structure and "未设质控员" not in structure
    listing = client.get(reverse("organizations:institution_list"), **EN).content.decode()
    assert "Secondary Grade A" in listing and "二级甲等" not in listing
    assert "二级甲等" in client.get(reverse("organizations:institution_list")).content.decode()


# --- API ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_answers_an_api_400_in_english_for_accept_language_en(personas, api):
    url = "/api/v1/adverse-events/"
    body = {"patient_age": 300}
    english = api(personas["staff_nurse"]).post(url, body, format="json", **EN)
    assert english.status_code == 400
    errors = english.json()
    assert errors["patient_age"] == ["Patient age must be between 0 and 130."]
    assert errors["department"] == ["This field is required."]
    assert english["Content-Language"] == "en"

    chinese = api(personas["staff_nurse"]).post(url, body, format="json").json()
    assert chinese["patient_age"] == ["患者年龄应在 0–130 岁之间。"]
    assert CJK.search(chinese["department"][0])


@pytest.mark.django_db
def test_it_answers_malformed_json_in_english(personas, api):
    response = api(personas["staff_nurse"]).post(
        "/api/v1/adverse-events/", data="{oops", content_type="application/json", **EN
    )
    assert response.status_code == 400
    message = response.json()["non_field_errors"][0]
    assert "JSON parse error" in message and not CJK.search(message)


# --- the foundation's templates mark every string -------------------------------------------------------

FOUNDATION_TEMPLATES = ["base.html", "home.html", "registration/*.html", "organizations/*.html"]
MARKED = re.compile(
    r"{%\s*blocktranslate\b.*?%}.*?{%\s*endblocktranslate\s*%}|{%\s*translate\b.*?%}|{#.*?#}|_\(\"[^\"]*\"\)",
    re.S,
)


@pytest.mark.parametrize("pattern", FOUNDATION_TEMPLATES)
def test_it_marks_every_chinese_string_of_the_foundation_templates(pattern):
    root = Path(settings.BASE_DIR) / "templates"
    files = sorted(root.glob(pattern))
    assert files
    unmarked = [(f.name, line.strip()) for f in files
                for line in MARKED.sub("", f.read_text(encoding="utf-8")).splitlines() if CJK.search(line)]
    assert unmarked == []
