from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from credentialing import permissions, services
from credentialing.excel import privileges_xlsx
from credentialing.forms import (
    ApplyForm,
    AssessForm,
    CompleteForm,
    NoteForm,
    PrerequisitesForm,
    ReasonForm,
    ReviewForm,
)
from credentialing.models import Category, PrivilegeReview
from credentialing.pdf import render_archive_pdf
from credentialing.selectors import (
    archive,
    grade4_grid,
    privilege_list,
    review_dossier,
    visible_emergency_uses,
    visible_items,
    visible_privileges,
)
from credentialing.workflow import Status
from organizations.selectors import visible_departments, visible_institutions
from qms.core.selectors import history_for
from staff.selectors import visible_staff

EXPIRING = (30, 60, 90)


def _filters(request: HttpRequest) -> dict:
    expiring = request.GET.get("expiring", "")
    return {
        "department": request.GET.get("department", ""), "item": request.GET.get("item", ""),
        "status": request.GET.get("status", ""),
        "expiring": int(expiring) if expiring.isdigit() and int(expiring) in EXPIRING else None,
        "lapsed": request.GET.get("lapsed") == "1",
    }


@login_required
def privilege_list_view(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    qs = privilege_list(request.user, **f)
    if request.GET.get("format") == "xlsx":
        data = privileges_xlsx(qs[:20000], _("准入授权名册（%(d)s 导出）") % {"d": timezone.localdate()})
        response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = 'attachment; filename="privileges.xlsx"'
        return response
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "credentialing/list.html", {
        "page": page, "f": f, "statuses": Status.choices, "expiring_choices": EXPIRING,
        "departments": visible_departments(request.user).order_by("institution__code", "code"),
        "items": visible_items(request.user).order_by("category", "code"), "query": query.urlencode(),
        "can_apply": not getattr(request.user, "his_institution_id", None),
    })


def _privilege(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(visible_privileges(request.user).select_related("institution__committee"), pk=pk)


def _detail_context(request: HttpRequest, p: Any, **forms: Any) -> dict:
    user = request.user
    manage = permissions.can_manage(user, p.institution_id)
    open_review = PrivilegeReview.objects.filter(privilege=p, reviewed_at__isnull=True).first()
    return {
        "p": p, "history": history_for(p), "approvals": p.approvals.select_related("decided_by"),
        "reviews": p.reviews.filter(reviewed_at__isnull=False).select_related("reviewed_by"),
        "open_review": open_review, "today": timezone.localdate(),
        "dossier": review_dossier(privilege=p) if open_review and manage else [],
        "can_decide": p.current_step is not None and permissions.can_decide_step(user, p, p.current_step),
        "can_manage": manage,
        "note_form": forms.get("note_form") or NoteForm(), "reason_form": forms.get("reason_form") or ReasonForm(),
        "review_form": forms.get("review_form") or ReviewForm(),
        "error_form": forms.get("error_form", ""),
    }


@login_required
def privilege_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "credentialing/privilege.html", _detail_context(request, _privilege(request, pk)))


def _run(request: HttpRequest, pk: int, form: Any, form_name: str, call: Callable, ok: str) -> HttpResponse:
    p = _privilege(request, pk)
    if form.is_valid():
        try:
            call(p, form.cleaned_data)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("您没有权限执行此操作。"))
            return render(request, "credentialing/privilege.html", _detail_context(request, p, **{form_name: form}), status=403)
        except ValidationError as exc:
            for field, errs in exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
                form.add_error(field if field in form.fields else None, errs)
        else:
            messages.success(request, ok)
            return redirect("credentialing:privilege", pk)
    ctx = _detail_context(request, _privilege(request, pk), **{form_name: form})
    ctx["error_form"] = form_name
    return render(request, "credentialing/privilege.html", ctx, status=400)


@login_required
@require_POST
def privilege_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(request, pk, NoteForm(request.POST), "note_form",
                lambda p, d: services.privilege_approve_step(privilege=p, actor=request.user, note=d["note"]),
                _("已审批通过。"))


@login_required
@require_POST
def privilege_reject(request: HttpRequest, pk: int) -> HttpResponse:
    form = NoteForm(request.POST)
    return _run(request, pk, form, "note_form",
                lambda p, d: services.privilege_reject(privilege=p, actor=request.user, reason=d["note"]),
                _("已不予批准。"))


STATUS_STEPS = {
    "suspend": (services.privilege_suspend, _("授权已暂停。")),
    "restore": (services.privilege_restore, _("授权已恢复。")),
    "revoke": (services.privilege_revoke, _("授权已撤销。")),
}


@login_required
@require_POST
def privilege_status(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    fn, ok = STATUS_STEPS[step]
    return _run(request, pk, ReasonForm(request.POST), "reason_form",
                lambda p, d: fn(privilege=p, actor=request.user, reason=d["reason"]), ok)


@login_required
@require_POST
def privilege_review(request: HttpRequest, pk: int) -> HttpResponse:
    def call(p: Any, d: dict) -> None:
        review = PrivilegeReview.objects.filter(privilege=p, reviewed_at__isnull=True).first()
        if review is None:
            raise ValidationError(_("该授权没有待办的动态评估。"))
        services.privilege_review_decide(review=review, actor=request.user, outcome=d["outcome"], note=d["note"],
                                         new_valid_until=d["new_valid_until"], restriction=d["restriction"])
    return _run(request, pk, ReviewForm(request.POST), "review_form", call, _("动态评估已完成。"))


@login_required
def privilege_apply(request: HttpRequest) -> HttpResponse:
    staff_qs = visible_staff(request.user).filter(is_active=True).order_by("department__code", "code")
    item_qs = visible_items(request.user).filter(is_active=True).order_by("category", "code")
    form = ApplyForm(request.POST or None, staff_qs=staff_qs, item_qs=item_qs,
                     initial={"staff": request.GET.get("staff"), "valid_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            p = services.privilege_apply(staff=d["staff"], item=d["item"], valid_from=d["valid_from"],
                                         valid_until=d["valid_until"], basis=d["basis"], actor=request.user,
                                         training_passed=d["training_passed"])
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            for field, errs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            messages.success(request, _("授权申请已提交，进入“%(step)s”。") % {"step": p.current_step_label()})
            return redirect("credentialing:privilege", p.pk)
    return render(request, "credentialing/apply.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    items = visible_items(request.user)
    return render(request, "credentialing/items.html", {
        "items": items.order_by("institution__code", "category", "surgery_grade", "code"), "categories": Category.choices,
    })


def _item(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(visible_items(request.user), pk=pk)


def _item_context(request: HttpRequest, item: Any, **forms: Any) -> dict:
    return {
        "item": item, "history": history_for(item), "can_manage": permissions.can_manage(request.user, item.institution_id),
        "holders": visible_privileges(request.user).filter(item=item, status__in=[Status.ACTIVE, Status.RESTORED, Status.SUSPENDED]),
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "pre_form": forms.get("pre_form") or PrerequisitesForm(initial={
            "demonstrated_on": item.demonstrated_on, "sop_reference": item.sop_reference,
            "ethics_approved_on": item.ethics_approved_on}),
        "assess_form": forms.get("assess_form") or AssessForm(initial={"assessed_on": timezone.localdate()}),
    }


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "credentialing/item.html", _item_context(request, _item(request, pk)))


def _item_run(request: HttpRequest, pk: int, form: Any, name: str, call: Callable, ok: str) -> HttpResponse:
    item = _item(request, pk)
    if form.is_valid():
        try:
            call(item, form.cleaned_data)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return render(request, "credentialing/item.html", _item_context(request, item, **{name: form}), status=403)
        except ValidationError as exc:
            for field, errs in exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
                form.add_error(field if field in form.fields else None, errs)
        else:
            messages.success(request, ok)
            return redirect("credentialing:item", pk)
    return render(request, "credentialing/item.html", _item_context(request, _item(request, pk), **{name: form}), status=400)


@login_required
@require_POST
def item_stop(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_run(request, pk, ReasonForm(request.POST), "reason_form",
                     lambda i, d: services.privilege_item_stop(item=i, actor=request.user, reason=d["reason"]),
                     _("已停止该技术临床应用，全部授权已暂停。"))


@login_required
@require_POST
def item_resume(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_run(request, pk, ReasonForm(request.POST), "reason_form",
                     lambda i, d: services.privilege_item_resume(item=i, actor=request.user, reason=d["reason"]),
                     _("已恢复该技术临床应用。"))


@login_required
@require_POST
def item_prerequisites(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_run(request, pk, PrerequisitesForm(request.POST), "pre_form",
                     lambda i, d: services.privilege_item_prerequisites_record(item=i, actor=request.user, **d),
                     _("已登记论证、SOP 与伦理审查。"))


@login_required
@require_POST
def item_assess(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_run(request, pk, AssessForm(request.POST), "assess_form",
                     lambda i, d: services.privilege_item_assess(item=i, actor=request.user, **d),
                     _("已登记动态评估。"))


@login_required
def staff_archive(request: HttpRequest, pk: int) -> HttpResponse:
    staff = get_object_or_404(visible_staff(request.user), pk=pk)
    return render(request, "credentialing/archive.html", archive(staff=staff))


@login_required
def staff_archive_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    staff = get_object_or_404(visible_staff(request.user), pk=pk)
    response = HttpResponse(render_archive_pdf(staff), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="archive-{staff.institution.code}-{staff.code}.pdf"'
    return response


@login_required
def grid(request: HttpRequest) -> HttpResponse:
    institutions = list(visible_institutions(request.user).order_by("code"))
    code = request.GET.get("institution") or (institutions[0].code if institutions else "")
    inst = next((i for i in institutions if i.code == code), None)
    data = grade4_grid(institution_id=inst.pk) if inst else {"items": [], "rows": [], "at": timezone.localdate()}
    return render(request, "credentialing/grid.html", {**data, "institution": inst, "institutions": institutions})


@login_required
def emergency_list(request: HttpRequest) -> HttpResponse:
    uses = visible_emergency_uses(request.user).order_by("-used_at")[:200]
    return render(request, "credentialing/emergency_list.html", {"uses": uses, "now": timezone.now()})


@login_required
def emergency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    use = get_object_or_404(visible_emergency_uses(request.user), pk=pk)
    form = CompleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.emergency_use_complete(use=use, actor=request.user, note=form.cleaned_data["note"])
        except (PermissionDenied, ValidationError) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("已补办手续。"))
            return redirect("credentialing:emergency", pk)
    return render(request, "credentialing/emergency.html", {
        "use": use, "form": form, "history": history_for(use), "now": timezone.now()}, status=400 if form.errors else 200)
