from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bulletins import services
from bulletins.api.views import pdf_response, progress_payload
from bulletins.forms import BulletinCommentaryForm, BulletinStartForm
from bulletins.gather import iter_sections
from bulletins.models import SECTIONS, Bulletin
from bulletins.pdf import department_chart, indicator_charts
from bulletins.permissions import can_manage, manageable_institution_ids
from bulletins.selectors import visible_bulletins
from bulletins.workflow import EDITABLE, Status
from organizations.selectors import visible_institutions
from qms.core.selectors import history_labelled


def _get(request: HttpRequest, pk: int) -> Bulletin:
    return get_object_or_404(visible_bulletins(request.user), pk=pk)


def _require_manage(request: HttpRequest, bulletin: Bulletin) -> None:
    if not can_manage(request.user, bulletin.institution_id):
        raise PermissionDenied(_("只有本院质控办可以编辑、发布质量安全月刊。"))


@login_required
def bulletin_list(request: HttpRequest) -> HttpResponse:
    bulletins = list(visible_bulletins(request.user).order_by("institution__code", "-year", "-month", "-version")[:500])
    manageable = manageable_institution_ids(request.user)
    return render(request, "bulletins/list.html", {"bulletins": bulletins, "can_start": bool(manageable)})


@login_required
def bulletin_start(request: HttpRequest) -> HttpResponse:
    ids = manageable_institution_ids(request.user)
    if not ids:
        raise PermissionDenied(_("只有本院质控办可以编制质量安全月刊。"))
    institutions = visible_institutions(request.user).filter(id__in=ids).order_by("code")
    form = BulletinStartForm(request.POST or None, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        year, month = form.cleaned_data["period"]
        try:
            bulletin, created = services.bulletin_start(
                institution=form.cleaned_data["institution"], year=year, month=month, actor=request.user
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            if not created:
                messages.info(request, _("该月已有未发布的草稿，已重新汇总生成。"))
            return redirect("bulletins:detail", pk=bulletin.pk)
    return render(request, "bulletins/start.html", {"form": form})


@login_required
def bulletin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _get(request, pk)
    data = bulletin.snapshot if bulletin.is_frozen and bulletin.snapshot is not None else bulletin.sections
    sections = [
        {"key": key, "title": title, "data": section, "commentary": (bulletin.commentary or {}).get(key, "")}
        for key, title, section in iter_sections(data or {})
    ] if data else []
    for s in sections:  # the same charts as the PDF (bulletins/pdf.py draws both)
        if s["key"] == "indicators":
            s["charts"], s["flat_charts"] = indicator_charts(s["data"])
        elif s["key"] == "events":
            s["dept_chart"] = department_chart(s["data"])
    versions = visible_bulletins(request.user).filter(
        institution_id=bulletin.institution_id, year=bulletin.year, month=bulletin.month
    ).order_by("version")
    return render(request, "bulletins/detail.html", {
        "bulletin": bulletin,
        "sections": sections,
        "progress": progress_payload(bulletin),
        "can_manage": can_manage(request.user, bulletin.institution_id),
        "editable": bulletin.status in EDITABLE,
        "versions": versions,
        "history": history_labelled(bulletin, Status),
        "Status": Status,
    })


@login_required
def bulletin_edit(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _get(request, pk)
    _require_manage(request, bulletin)
    initial = {"foreword": bulletin.foreword}
    initial.update({f"c_{k}": v for k, v in (bulletin.commentary or {}).items()})
    form = BulletinCommentaryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.bulletin_update_commentary(
                bulletin=bulletin, actor=request.user,
                foreword=form.cleaned_data["foreword"], commentary=form.commentary(),
            )
        except ValidationError as exc:
            for _field, errors in exc.message_dict.items():
                form.add_error(None, errors)
        else:
            messages.success(request, _("评述已保存，PDF 已按新评述重新排版。"))
            return redirect("bulletins:detail", pk=bulletin.pk)
    data = bulletin.sections or {}
    fields = [(form[f"c_{key}"], (data.get(key) or {}).get("available", False)) for key, _t in SECTIONS]
    return render(request, "bulletins/edit.html", {"bulletin": bulletin, "form": form, "fields": fields})


@login_required
@require_POST
def bulletin_publish(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _get(request, pk)
    _require_manage(request, bulletin)
    try:
        services.bulletin_publish(bulletin=bulletin, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("本期月刊已发布并归档。"))
    return redirect("bulletins:detail", pk=bulletin.pk)


@login_required
@require_POST
def bulletin_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _get(request, pk)
    _require_manage(request, bulletin)
    try:
        bulletin, _created = services.bulletin_start(
            institution=bulletin.institution, year=bulletin.year, month=bulletin.month, actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("bulletins:detail", pk=bulletin.pk)


@login_required
def bulletin_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    bulletin = _get(request, pk)
    if not progress_payload(bulletin)["ready"]:
        messages.info(request, _("PDF 尚未生成，请稍候。"))
        return redirect("bulletins:detail", pk=bulletin.pk)
    return pdf_response(bulletin)
