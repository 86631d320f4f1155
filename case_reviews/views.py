"""Pages of the case pool and key-case reviews (Art. 36)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from case_reviews import permissions, services
from case_reviews.selectors import (
    assigned_reviews,
    case_access_log,
    pool_stats,
    results_by_hospital_category,
    visible_cases,
    visible_reviews,
    visible_rounds,
)
from case_reviews.workflow import Category, Focus, Severity, Status
from organizations.models import Institution, Membership
from organizations.selectors import get_scope, visible_institutions
from qms.core.selectors import history_for


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    rounds = visible_rounds(request.user).prefetch_related("institutions")[:50]
    mine = assigned_reviews(request.user)
    reviews = visible_reviews(request.user)
    return render(request, "case_reviews/index.html", {
        "rounds": rounds, "mine": mine, "results": results_by_hospital_category(reviews),
        "categories": dict(Category.choices), "may_organise": get_scope(request.user).is_official
        or bool(permissions.office_institution_ids(request.user)),
        "may_pool": bool(permissions.office_institution_ids(request.user)) or get_scope(request.user).is_official,
    })


@login_required
def pool(request: HttpRequest) -> HttpResponse:
    qs = visible_cases(request.user).order_by("-discharged_on", "record_number")
    category = request.GET.get("category", "")
    flags = {"death": "died", "grade4_surgery": "grade4_surgery", "unplanned_reoperation": "unplanned_reoperation",
             "discharge_against_advice": "discharge_against_advice", "malpractice": "malpractice"}
    if category in flags:
        qs = qs.filter(**{flags[category]: True})
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    case_access_log(user=request.user, cases=page, action="page", path=request.get_full_path())
    offices = visible_institutions(request.user).filter(pk__in=permissions.office_institution_ids(request.user))
    result = request.session.pop("case_import_result", None)
    return render(request, "case_reviews/pool.html", {
        "page": page, "stats": pool_stats(qs), "category": category, "categories": Category.choices,
        "offices": offices, "result": result,
    })


@login_required
@require_POST
def pool_upload(request: HttpRequest) -> HttpResponse:
    institution = get_object_or_404(Institution, pk__in=permissions.office_institution_ids(request.user),
                                    pk=request.POST.get("institution") or 0)
    upload = request.FILES.get("file")
    if upload is None or (upload.size or 0) > 10 * 1024 * 1024:
        messages.error(request, _("请选择不超过 10 MB 的 .xlsx 文件。"))
        return redirect("case_reviews:pool")
    try:
        result = services.case_pool_import_xlsx(institution=institution, data=upload.read(), actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(_errors(exc)))
        return redirect("case_reviews:pool")
    request.session["case_import_result"] = result
    messages.success(request, _("已导入：新增 %(c)d 例，更新 %(u)d 例，未变 %(n)d 例，错误 %(e)d 行。") % {
        "c": result["created"], "u": result["updated"], "n": result["unchanged"], "e": len(result["errors"])})
    return redirect("case_reviews:pool")


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(visible_cases(request.user), pk=pk)
    case_access_log(user=request.user, cases=[case], action="page", path=request.path)
    may_discuss = case.died and case.institution_id in permissions.office_institution_ids(request.user)
    error = None
    if request.method == "POST" and may_discuss:
        try:
            services.case_death_discussion_record(
                case=case, discussed_on=dt.date.fromisoformat(request.POST.get("discussed_on", "")),
                note=request.POST.get("note", ""), actor=request.user)
        except ValueError:
            error = _("日期格式应为 YYYY-MM-DD。")
        except ValidationError as exc:
            error = "；".join(_errors(exc))
        else:
            messages.success(request, _("已记录死亡病例讨论。"))
            return redirect("case_reviews:case", pk=case.pk)
    return render(request, "case_reviews/case.html", {
        "case": case, "may_discuss": may_discuss, "error": error, "posted": request.POST,
        "reviews": visible_reviews(request.user).filter(case=case),
    }, status=400 if error else 200)


@login_required
def round_new(request: HttpRequest) -> HttpResponse:
    scope = get_scope(request.user)
    offices = set(permissions.office_institution_ids(request.user))
    institutions = visible_institutions(request.user).filter(
        pk__in=set(scope.official_institution_ids) | offices).order_by("code")
    if not institutions.exists():
        raise PermissionDenied
    today = timezone.localdate()
    errors: list[str] = []
    if request.method == "POST":
        p = request.POST
        chosen = list(institutions.filter(pk__in=p.getlist("institutions")))
        try:
            sizes = {}
            for inst in chosen:
                v = p.get(f"size_{inst.code}", "").strip()
                if v:
                    sizes[inst.code] = int(v)
            kw: dict[str, Any] = {}
            if scope.is_official:
                kw["authority"] = permissions.reviewing_authority(request.user, chosen[0]) if chosen else None
                if kw["authority"] is None:
                    raise ValidationError({"institutions": [_("请选择被评价的医院。")]})
            else:
                kw["organiser_institution"] = chosen[0] if chosen else None
                if kw["organiser_institution"] is None:
                    raise ValidationError({"institutions": [_("请选择被评价的医院。")]})
            rnd = services.round_create(
                actor=request.user, title=p.get("title", ""), institutions=chosen, categories=p.getlist("categories"),
                period_start=dt.date.fromisoformat(p.get("period_start", "")),
                period_end=dt.date.fromisoformat(p.get("period_end", "")), sample_size=int(p.get("sample_size") or 0),
                sample_sizes=sizes, due_on=dt.date.fromisoformat(p["due_on"]) if p.get("due_on") else None, **kw,
            )
        except ValueError:
            errors.append(_("请检查日期（YYYY-MM-DD）和例数（整数）。"))
        except ValidationError as exc:
            errors.extend(_errors(exc))
        except PermissionDenied as exc:
            errors.append(str(exc))
        else:
            messages.success(request, _("已创建评价批次，请抽取病例。"))
            return redirect("case_reviews:round", pk=rnd.pk)
    return render(request, "case_reviews/round_new.html", {
        "institutions": institutions, "categories": Category.choices, "errors": errors, "p": request.POST,
        "chosen_categories": request.POST.getlist("categories") if request.method == "POST" else [],
        "chosen_institutions": [int(x) for x in request.POST.getlist("institutions") if x.isdigit()],
        "default_start": (today - dt.timedelta(days=90)).isoformat(), "default_end": today.isoformat(),
    }, status=400 if errors else 200)


def _reviewer_candidates(rnd: Any) -> list[dict]:
    """The reviewers offered for a round, in groups: for an authority's round the QC centres' experts first
    (qms.extensions.REVIEWER_SOURCES, issue 19), then the authority's staff and the hospitals' own people."""
    from qms.extensions import REVIEWER_SOURCES

    experts: list[tuple[int, str]] = []
    if rnd.authority_id:
        for source in REVIEWER_SOURCES:
            experts += source(authority_id=rnd.authority_id)
    labels = dict(experts)
    others = [u for u in _other_candidates(rnd) if u.pk not in labels]
    by_pk = {u.pk: u for u in get_user_model().objects.filter(pk__in=labels)}
    groups = []
    if labels:
        groups.append({"label": _("质控中心专家"), "people": [
            {"pk": pk, "label": f"{label} ({by_pk[pk].username})"} for pk, label in labels.items() if pk in by_pk]})
    if others:
        groups.append({"label": _("其他人员"), "people": [
            {"pk": u.pk, "label": f"{u.get_full_name() or u.username} ({u.username})"} for u in others]})
    return groups


def _other_candidates(rnd: Any) -> Any:
    User = get_user_model()
    inst_ids = [i.pk for i in rnd.institutions.all()]
    q = Membership.objects.filter(is_active=True, institution_id__in=inst_ids).values("user_id")
    users = User.objects.filter(is_active=True).filter(pk__in=q) | User.objects.filter(
        is_active=True, userobjectpermission__permission__codename="review_casereview")
    if rnd.authority_id:
        users = users | User.objects.filter(is_active=True, memberships__authority_id=rnd.authority_id)
    # A HIS system account is not a person and never reviews.
    his = Membership.objects.filter(role=Membership.Role.HIS).values("user_id")
    return users.exclude(pk__in=his).distinct().order_by("username")


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = get_object_or_404(visible_rounds(request.user).prefetch_related("institutions", "departments"), pk=pk)
    manage = permissions.can_manage_round(request.user, rnd)
    reviews = rnd.reviews.select_related("institution", "reviewer", "case").order_by("institution__code", "category", "record_number")
    draw_rows = []
    labels = dict(Category.choices)
    for code, per_cat in (rnd.draw.get("hospitals") or {}).items():
        for cat, d in per_cat.items():
            draw_rows.append({"institution": code, "category": labels.get(cat, cat), **d})
    check = services.round_draw_check(rnd) if request.GET.get("check") and rnd.seed is not None else None
    return render(request, "case_reviews/round.html", {
        "rnd": rnd, "manage": manage, "reviews": reviews, "draw_rows": draw_rows, "check": check,
        "candidates": _reviewer_candidates(rnd) if manage else [], "categories": Category.choices,
        "results": results_by_hospital_category(rnd.reviews.all()), "labels": labels, "history": history_for(rnd),
        "method": _(rnd.draw["method"]) if rnd.draw.get("method") else "",
    })


@login_required
@require_POST
def round_sample(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = get_object_or_404(visible_rounds(request.user), pk=pk)
    try:
        seed = request.POST.get("seed", "").strip()
        services.round_sample(round=rnd, actor=request.user, seed=int(seed) if seed else None)
        messages.success(request, _("已按随机种子抽取病例。"))
    except ValueError:
        messages.error(request, _("随机种子应为整数。"))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(_errors(exc)) if isinstance(exc, ValidationError) else str(exc))
    return redirect("case_reviews:round", pk=rnd.pk)


@login_required
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = get_object_or_404(visible_rounds(request.user), pk=pk)
    try:
        services.round_close(round=rnd, actor=request.user)
        messages.success(request, _("评价批次已结束。"))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(_errors(exc)) if isinstance(exc, ValidationError) else str(exc))
    return redirect("case_reviews:round", pk=rnd.pk)


@login_required
@require_POST
def round_add(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = get_object_or_404(visible_rounds(request.user), pk=pk)
    institution = rnd.institutions.filter(pk=request.POST.get("institution") or 0).first()
    try:
        if institution is None:
            raise ValidationError({"institution": [_("请选择医院。")]})
        services.review_add(actor=request.user, institution=institution, category=request.POST.get("category", ""),
                            record_number=request.POST.get("record_number", ""), round=rnd,
                            reason=request.POST.get("reason", ""))
        messages.success(request, _("已加入病例。"))
    except ValidationError as exc:
        messages.error(request, "；".join(_errors(exc)))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("case_reviews:round", pk=rnd.pk)


@login_required
@require_POST
def review_assign(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(visible_reviews(request.user), pk=pk)
    reviewer = get_user_model().objects.filter(pk=request.POST.get("reviewer") or 0).first()
    try:
        services.review_assign(review=review, reviewer=reviewer, actor=request.user)
        messages.success(request, _("已分配评价专家。"))
    except ValidationError as exc:
        messages.error(request, "；".join(_errors(exc)))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("case_reviews:round", pk=review.round_id) if review.round_id else redirect("case_reviews:review", pk=review.pk)


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(visible_reviews(request.user), pk=pk)
    if review.case_id:
        case_access_log(user=request.user, cases=[review.case], action="review", path=request.path)
    is_reviewer = permissions.is_reviewer(request.user, review)
    errors: dict[str, list[str]] = {}
    existing = {f.focus: f for f in review.findings.select_related("rectification")}
    if request.method == "POST":
        if not is_reviewer:
            raise Http404
        findings = [{"focus": f, "text": request.POST.get(f"{f}_text", ""), "severity": request.POST.get(f"{f}_severity", "")}
                    for f in review.focus]
        try:
            services.review_save(review=review, actor=request.user, findings=findings,
                                 conclusion=request.POST.get("conclusion", ""))
            if request.POST.get("submit"):
                services.review_submit(review=review, actor=request.user)
                messages.success(request, _("评价已提交，发现的问题已作为整改要求发送医院。"))
            else:
                messages.success(request, _("已保存。"))
            return redirect("case_reviews:review", pk=review.pk)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    labels = dict(Focus.choices)
    rows = []
    for f in review.focus:
        found = existing.get(f)
        rows.append({"focus": f, "label": labels[f], "finding": found,
                     "text": request.POST.get(f"{f}_text", found.text if found else ""),
                     "severity": request.POST.get(f"{f}_severity", found.severity if found else ""),
                     "errors": errors.get(f"{f}_text", []) + errors.get(f"{f}_severity", [])})
    from interviews.permissions import can_trigger

    may_trigger = (review.status == Status.SUBMITTED and not review.interview_id and review.has_serious
                   and can_trigger(request.user, review.institution, internal=review.authority_id is None))
    return render(request, "case_reviews/review.html", {
        "review": review, "rows": rows, "is_reviewer": is_reviewer and review.status == Status.ASSIGNED,
        "severities": Severity.choices, "errors": errors, "may_trigger": may_trigger,
        "conclusion": request.POST.get("conclusion", review.conclusion), "history": history_for(review),
    }, status=400 if errors else 200)


@login_required
@require_POST
def review_interview(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(visible_reviews(request.user), pk=pk)
    try:
        interview = services.review_interview_trigger(review=review, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(_errors(exc)) if isinstance(exc, ValidationError) else str(exc))
        return redirect("case_reviews:review", pk=review.pk)
    messages.success(request, _("已依第四十五条（四）启动约谈，须经组织部门负责人批准（第四十六条）。"))
    return redirect("interviews:detail", pk=interview.pk)
