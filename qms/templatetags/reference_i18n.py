"""Reference data in the reader's language: ``{{ indicator.name|translate }}``.

Reference data (event types, harm levels, indicator names and targets, units, bulletin headings, rule names)
is stored in Chinese, the language of the regulations and of the archived documents. Its English names live
in the one catalogue (locale/en/LC_MESSAGES/django.po) like every other UI string; ``qms/reference_msgids.py``
lists them so that ``makemessages`` keeps them. The filter is a template builtin (settings TEMPLATES).
Data typed by users (names, findings, minutes) is not translated: an unknown text comes back unchanged.
"""
from __future__ import annotations

import re

from django import template
from django.utils.translation import gettext

register = template.Library()


_NUMBER = re.compile(r"\d+")


@register.filter(name="translate")
def translate(value):
    if value is None or value == "":
        return value  # gettext("") would return the catalogue's header
    text = str(value)
    found = gettext(text)
    if found != text or not _NUMBER.search(text):
        return found
    # A reference text the code formatted with one number (本院规定第5个工作日): the catalogue holds its
    # msgid, with %(n)s where the number was.
    for m in _NUMBER.finditer(text):
        msgid = f"{text[:m.start()]}%(n)s{text[m.end():]}"
        english = gettext(msgid)
        if english != msgid:
            try:
                return english % {"n": m.group()}
            except (KeyError, TypeError, ValueError):
                continue
    return found


@register.filter(name="person")
def person(user) -> str:
    """A user as people call them: the full name, else the user name, else a dash (no user, e.g. a
    system step or an anonymous report). ``x.get_full_name|default:x.username`` fails when x is None."""
    if user is None or user == "":
        return "—"
    full = getattr(user, "get_full_name", None)
    return (full() if callable(full) else "") or getattr(user, "username", "") or str(user)
