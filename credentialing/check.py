"""The HIS check (GET /api/v1/privileges/check/): may this person do this item at this moment, and why not.

It is on the HIS ordering path, so it is built for speed and a constant query count: the hospital's check
generation is read in the HIS account's token query (or, for other callers, by one query); on a cache miss three
more read the person, the item and that person's grants of that item (never more, whatever the number of grants). Answers are cached under the generation, which every
grant or catalogue change bumps in its own transaction: a revocation is seen by the very next check, in every
worker process, because the generation lives in the database, not in the process.
"""
from __future__ import annotations

import datetime as dt
import hashlib

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from credentialing.models import CheckGeneration, Privilege, PrivilegeItem
from credentialing.workflow import VALID, ItemStatus, Status
from staff.models import Staff, Title, title_at_least

CACHE_SECONDS = 300
TITLES = dict(Title.choices)


class UnknownStaff(LookupError):
    pass


class UnknownItem(LookupError):
    pass


def generation_of(institution_id: int) -> int:
    return CheckGeneration.objects.filter(institution_id=institution_id).values_list("value", flat=True).first() or 0


def _facts(institution_id: int, staff_code: str, item_code: str, generation: int | None) -> dict:
    if generation is None:
        generation = generation_of(institution_id)
    # the codes come from the caller: hashed, so any text (control characters, a 250-character code) makes a
    # valid key for every cache backend
    codes = hashlib.sha256(f"{staff_code}\n{item_code}".encode()).hexdigest()
    key = f"cred-check:{institution_id}:{generation}:{codes}"
    facts = cache.get(key)
    if facts is not None:
        return facts
    staff = Staff.objects.filter(institution_id=institution_id, code=staff_code).values(
        "id", "name", "title", "is_active").first()
    if staff is None:
        raise UnknownStaff(staff_code)
    item = PrivilegeItem.objects.filter(institution_id=institution_id, code=item_code).values(
        "id", "name", "min_title", "basis", "status", "status_reason", "status_changed_at", "is_active",
        "demonstrated_on", "sop_reference", "ethics_approved_on", "is_new").first()
    if item is None:
        raise UnknownItem(item_code)
    grants = list(
        Privilege.objects.filter(staff_id=staff["id"], item_id=item["id"])
        .exclude(status__in=[Status.PENDING, Status.REJECTED])
        .order_by("-valid_until", "-id")
        .values("id", "status", "valid_from", "valid_until", "status_reason", "status_changed_at", "restriction")
    )
    facts = {"staff": staff, "item": item, "grants": grants}
    cache.set(key, facts, CACHE_SECONDS)
    return facts


def _day(value: dt.datetime | None) -> str:
    return timezone.localtime(value).date().isoformat() if value else ""


def privilege_check(
    *, institution_id: int, staff_code: str, item_code: str, at: dt.datetime | None = None,
    generation: int | None = None,
) -> dict:
    """{"allowed", "reason", "privilege", "valid_until"}; raises UnknownStaff / UnknownItem.

    `generation`: the hospital's check generation when the caller already read it in this request (the HIS
    token query does, credentialing/api/auth.py); otherwise it is read here."""
    at = at or timezone.now()
    day = timezone.localtime(at).date()
    facts = _facts(institution_id, staff_code, item_code, generation)
    staff, item, grants = facts["staff"], facts["item"], facts["grants"]

    def no(reason: str, grant: dict | None = None) -> dict:
        return {"allowed": False, "reason": reason, "privilege": grant["id"] if grant else None,
                "valid_until": grant["valid_until"] if grant else None}

    if not staff["is_active"]:
        return no(_("%(name)s已不在岗。") % {"name": staff["name"]})
    if item["status"] == ItemStatus.STOPPED:
        return no(_("该技术已于 %(d)s 停止临床应用：%(r)s") % {"d": _day(item["status_changed_at"]), "r": item["status_reason"]},
                  grants[0] if grants else None)
    if not item["is_active"]:
        return no(_("该授权项目已停用。"))
    if item["is_new"] and not (item["demonstrated_on"] and item["sop_reference"] and item["ethics_approved_on"]):
        return no(_("新技术新项目尚未完成论证、SOP 与伦理审查，不得临床应用（淄博方案 二（四）14）。"))
    if not title_at_least(staff["title"], item["min_title"]):
        return no(_("职称（%(t)s）低于该项目要求的最低职称（%(m)s），依据：%(b)s。") % {
            "t": TITLES.get(staff["title"], staff["title"]), "m": TITLES.get(item["min_title"], item["min_title"]),
            "b": item["basis"]}, grants[0] if grants else None)
    covering = [g for g in grants if g["valid_from"] <= day <= g["valid_until"]]
    for g in covering:
        if g["status"] in VALID:
            reason = _("已授权，有效期至 %(d)s。") % {"d": g["valid_until"].isoformat()}
            if g["restriction"]:
                reason += _("限定范围：%(r)s") % {"r": g["restriction"]}
            return {"allowed": True, "reason": reason, "privilege": g["id"], "valid_until": g["valid_until"]}
    for g in covering:
        when = _day(g["status_changed_at"])
        if g["status"] == Status.SUSPENDED:
            return no(_("授权已于 %(d)s 暂停：%(r)s") % {"d": when, "r": g["status_reason"]}, g)
        if g["status"] == Status.REVOKED:
            return no(_("授权已于 %(d)s 撤销：%(r)s") % {"d": when, "r": g["status_reason"]}, g)
    past = [g for g in grants if g["valid_until"] < day]
    if past:
        return no(_("授权已于 %(d)s 到期。") % {"d": past[0]["valid_until"].isoformat()}, past[0])
    future = [g for g in grants if g["valid_from"] > day and g["status"] in VALID]
    if future:
        return no(_("授权自 %(d)s 起生效。") % {"d": future[-1]["valid_from"].isoformat()}, future[-1])
    if grants:
        g = grants[0]
        return no(_("授权状态为“%(s)s”：%(r)s") % {"s": dict(Status.choices)[g["status"]], "r": g["status_reason"]}, g)
    return no(_("%(name)s未获得“%(item)s”授权。") % {"name": staff["name"], "item": item["name"]})
