"""Extension points through which the apps contribute to shared pages without importing each other.

Each app registers in its AppConfig.ready():
- nav items (the top navigation),
- home panels (the home page's "where you stand / what is due" blocks),
- agenda sources (draft agenda items for a planned meeting: the indicators app adds its alerts here).
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class NavItem:
    label: Any  # a lazy translation
    url_name: str
    order: int = 100
    visible: Callable[[Any], bool] = field(default=lambda user: user.is_authenticated)


NAV_ITEMS: list[NavItem] = []
# fn(request) -> dict(title=..., template=..., **context) or None
HOME_PANELS: list[tuple[int, Callable[[Any], dict | None]]] = []
# Agenda sources: fn(*, institution, department, since, until) -> list of dicts
#   {"kind": str, "title": str, "detail": str, "url": str}
# institution: the meeting body's hospital; department: the body's department (None for the committee);
# since: aware datetime of the body's previous meeting (None if none); until: date the coming month ends.
AGENDA_SOURCES: list[Callable[..., list[dict]]] = []


def register_nav(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in NAV_ITEMS):
        NAV_ITEMS.append(item)
        NAV_ITEMS.sort(key=lambda i: i.order)


def register_home_panel(fn: Callable[[Any], dict | None], order: int = 100) -> None:
    if all(existing is not fn for _, existing in HOME_PANELS):
        HOME_PANELS.append((order, fn))
        HOME_PANELS.sort(key=lambda pair: pair[0])


def register_agenda_source(fn: Callable[..., list[dict]]) -> None:
    if fn not in AGENDA_SOURCES:
        AGENDA_SOURCES.append(fn)


# fn(*, year, reason, actor) called, in the same transaction, after a year's schedule changes (qms.workdays.
# services is the only writer) and the open Deadline rows are recomputed, so an app that keeps its own copy of
# a legal date (the interview's dates, the monthly report's due date) recomputes it and logs each move.
CALENDAR_HOOKS: list[Callable[..., Any]] = []


def register_calendar_hook(fn: Callable[..., Any]) -> None:
    if fn not in CALENDAR_HOOKS:
        CALENDAR_HOOKS.append(fn)


# Extra reach over one model that roles cannot express in organizations/selectors.py (a QC centre's staff over
# their specialty's records): fn(user) -> Q, registered per model label ("rectifications.Rectification").
SCOPE_EXTENSIONS: dict[str, list[Callable[[Any], Any]]] = {}


def register_scope_extension(model_label: str, fn: Callable[[Any], Any]) -> None:
    fns = SCOPE_EXTENSIONS.setdefault(model_label, [])
    if fn not in fns:
        fns.append(fn)


@dataclass(frozen=True)
class BulletinSection:
    """A section an app adds to the monthly bulletin (web page and PDF), placed before 下月工作重点.

    build(*, institution, year, month) -> {"available": bool, "empty": str (when not available),
    "lines": [str], "tables": [{"title": str, "head": [str], "rows": [[str]]}], "focus": [str]}: plain data
    (frozen with the bulletin). The title and texts are Chinese: the bulletin is an archived document.
    "focus" items join the bulletin's 下月工作重点.
    """

    key: str
    title: str
    build: Callable[..., dict]
    order: int = 100


BULLETIN_SECTIONS: list[BulletinSection] = []


def register_bulletin_section(section: BulletinSection) -> None:
    if all(existing.key != section.key for existing in BULLETIN_SECTIONS):
        BULLETIN_SECTIONS.append(section)
        BULLETIN_SECTIONS.sort(key=lambda s: s.order)


# Indicators computed from an app's records instead of typed (ZB01 from the credentialing register, ZB13-8
# from record reviews …): code -> fn(*, institution, department, period) -> (numerator, denominator) or None
# when the month has no basis. `indicators.services.computed_values_record` stores them each month.
INDICATOR_SOURCES: dict[str, Callable[..., Any]] = {}


def register_indicator_source(code: str, fn: Callable[..., Any]) -> None:
    INDICATOR_SOURCES[code] = fn


# What a person's review dossier shows beyond the credentialing app's own records (case-pool volumes and
# outcomes, review findings): fn(*, staff, item, since, until) -> list of {"label": str, "value": Any,
# "detail": str, "url": str}.
DOSSIER_SOURCES: list[Callable[..., list[dict]]] = []


def register_dossier_source(fn: Callable[..., list[dict]]) -> None:
    if fn not in DOSSIER_SOURCES:
        DOSSIER_SOURCES.append(fn)


@dataclass(frozen=True)
class AuthorityCount:
    """A column of the authority's overview (issue 21): open items per hospital from an app (open 约谈, open
    rectifications, a QC centre's findings …). count(*, institution_ids) -> {institution_id: n}, one query."""

    key: str
    label: Any  # a lazy translation
    count: Callable[..., dict[int, int]]
    url_name: str = ""  # the app's list page, filtered by ?institution=CODE
    order: int = 100
    query: str = ""  # more of the list's filter, after the institution ("source=qc_visit")
    unit: str = "项"  # the counting word in the Chinese PDF ("次" for visits)


AUTHORITY_COUNTS: list[AuthorityCount] = []


def register_authority_count(item: AuthorityCount) -> None:
    if all(existing.key != item.key for existing in AUTHORITY_COUNTS):
        AUTHORITY_COUNTS.append(item)
        AUTHORITY_COUNTS.sort(key=lambda i: i.order)


# Which of an app's improvement actions are verified (issue 21: the agenda lists a verified action whose
# indicator shows no change): source kind ("action_item", "rectification" …) -> fn(ids) -> iterable of verified ids.
VERIFIED_LOOKUPS: dict[str, Callable[[list[int]], Any]] = {}


def register_verified_lookup(kind: str, fn: Callable[[list[int]], Any]) -> None:
    VERIFIED_LOOKUPS[kind] = fn


# The daily pass's Art. 12 check: fn(*, institution_id, year, month, today) -> the month's rows of bodies that
# held no meeting (or none with its quorum), each {"body": obj, "body_id": int, "name": str}. The committees
# app registers its compliance grid here, so the pass needs no import of it (issue 15 item 6).
MEETING_GAP_SOURCES: list[Callable[..., list[dict]]] = []


def register_meeting_gap_source(fn: Callable[..., list[dict]]) -> None:
    if fn not in MEETING_GAP_SOURCES:
        MEETING_GAP_SOURCES.append(fn)


# Duties that exist by the calendar alone, made sure of by the daily pass before it looks at deadlines:
# fn(*, today) (Art. 51's half-year report of each city authority, registered by interviews).
PERIODIC_DUTIES: list[Callable[..., Any]] = []


def register_periodic_duty(fn: Callable[..., Any]) -> None:
    if fn not in PERIODIC_DUTIES:
        PERIODIC_DUTIES.append(fn)


# Who may be offered as a key-case reviewer for an authority's round besides its own staff (issue 19):
# fn(*, authority_id) -> [(user_id, label)], e.g. the active members, with accounts, of the expert committees of
# the QC centres that authority (or one above it) set up.
REVIEWER_SOURCES: list[Callable[..., list[tuple[int, str]]]] = []


def register_reviewer_source(fn: Callable[..., list[tuple[int, str]]]) -> None:
    if fn not in REVIEWER_SOURCES:
        REVIEWER_SOURCES.append(fn)
