"""Pages of the committee and department meetings. Reads go through selectors, writes through services."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Min
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from committees import permissions, selectors, services
from committees.forms import (
    ActionItemForm,
    AgendaItemForm,
    BodyForm,
    DecisionForm,
    DoneForm,
    EvidenceForm,
    MeetingEditForm,
    PlanForm,
    ReasonForm,
    VerifyForm,
    apply_errors,
)
from committees.models import ActionEvidence, Attendance, Meeting, MeetingBody, MinutesVersion
from committees.workflow import EDITABLE, ActionStatus, MeetingStatus
from organizations.models import Department
from organizations.selectors import get_scope, visible_institutions
from qms.core.selectors import history_labelled
from qms.uploads import download_response


def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return HttpResponseForbidden(str(exc) or _("您没有权限执行此操作。"))


def home_panel(request: HttpRequest) -> dict | None:
    user = request.user
    if not user.is_authenticated:
        return None
    mine = list(selectors.my_action_items(user)[:10])
    to_verify = list(selectors.items_to_verify(user)[:10])
    if not mine and not to_verify:
        return None
    today = timezone.localdate()
    for item in mine:
        item.overdue = item.is_overdue(today)
    return {"template": "committees/home_panel.html", "mine": mine, "to_verify": to_verify, "today": today}


# ---- meetings -------------------------------------------------------------------------------------


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.visible_meetings(request.user).order_by("-starts_at", "-id")
    status = request.GET.get("status", "")
    if status in MeetingStatus.values:
        qs = qs.filter(status=status)
    body_id = request.GET.get("body", "")
    if body_id.isdigit():
        qs = qs.filter(body_id=int(body_id))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    bodies = selectors.visible_bodies(request.user).order_by("institution__code", "kind", "department__code")
    can_plan = any(permissions.can_manage_body(request.user, b) for b in bodies)
    return render(
        request,
        "committees/meeting_list.html",
        {"page": page, "bodies": bodies, "status": status, "body_id": body_id, "statuses": MeetingStatus.choices,
         "can_plan": can_plan},
    )


def _manageable_bodies(user: Any) -> Any:
    bodies = selectors.visible_bodies(user).filter(is_active=True).order_by("institution__code", "kind", "department__code")
    ids = [b.pk for b in bodies if permissions.can_manage_body(user, b)]
    return selectors.visible_bodies(user).filter(pk__in=ids).order_by("institution__code", "kind", "department__code")


def _people_for(user: Any, bodies: Any) -> Any:
    from django.contrib.auth import get_user_model

    inst_ids = {b.institution_id for b in bodies}
    ids: set[int] = set()
    for inst in visible_institutions(user).filter(pk__in=inst_ids):
        ids |= set(selectors.institution_persons(inst).values_list("pk", flat=True))
    return get_user_model().objects.filter(pk__in=ids).order_by("first_name", "username")


@login_required
def meeting_plan(request: HttpRequest) -> HttpResponse:
    bodies = _manageable_bodies(request.user)
    if not bodies.exists():
        raise Http404
    people = _people_for(request.user, bodies)
    initial: dict[str, Any] = {}
    if request.GET.get("body", "").isdigit():
        initial["body"] = int(request.GET["body"])
    form = PlanForm(request.POST or None, bodies=bodies, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_plan(
                body=data["body"], actor=request.user, starts_at=data["starts_at"], place=data["place"],
                chair=data["chair"], kind=data["kind"], title=data["title"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            return _forbidden(request, exc)
        else:
            messages.success(request, _("会议已计划，议程草案已生成，请编辑。"))
            return redirect("committees:meeting_detail", meeting.pk)
    return render(request, "committees/meeting_plan.html", {"form": form})


def _detail_context(request: HttpRequest, meeting: Meeting, **forms: Any) -> dict:
    user = request.user
    can_manage = permissions.can_manage_meeting(user, meeting)
    agenda = list(meeting.agenda_items.all())
    decisions = list(meeting.decisions.all())
    people = selectors.institution_persons(meeting.institution, department=meeting.department) if can_manage else None
    departments = Department.objects.filter(institution=meeting.institution, is_active=True).order_by("kind", "code")
    today = timezone.localdate()
    posted = forms.get("posted") or {}
    for a in agenda:
        if a.action_item is not None:
            a.action_item.overdue = a.action_item.is_overdue(today)
        # A refused form shows again what the user typed.
        a.shown_minutes = posted.get(f"minutes_{a.pk}", a.minutes)
    attendance_rows = list(meeting.attendance.all())
    for row in attendance_rows:
        row.shown_status = posted.get(f"status_{row.pk}", row.status)
        row.shown_proxy = posted.get(f"proxy_{row.pk}", row.proxy_name)
        row.shown_note = posted.get(f"note_{row.pk}", row.note)
    return {
        "meeting": meeting,
        "agenda": agenda,
        "attendance": attendance_rows,
        "shown_summary": posted.get("summary", meeting.summary),
        "decisions": decisions,
        "versions": list(meeting.minutes_versions.all()),
        "q": selectors.quorum(meeting),
        "history": history_labelled(meeting, MeetingStatus),
        "can_manage": can_manage,
        "can_approve": permissions.can_approve(user, meeting),
        "editable": meeting.status in EDITABLE and can_manage,
        "statuses": Attendance.Status.choices,
        "agenda_form": forms.get("agenda_form") or AgendaItemForm(prefix="agenda"),
        "decision_form": forms.get("decision_form") or DecisionForm(agenda=agenda, prefix="decision"),
        "action_form": forms.get("action_form")
        or ActionItemForm(decisions=decisions, departments=departments, people=people, prefix="action"),
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "posted": forms.get("posted"),
        "errors": forms.get("errors") or [],
    }


def _detail(request: HttpRequest, meeting: Meeting, status: int = 200, **forms: Any) -> HttpResponse:
    return render(request, "committees/meeting_detail.html", _detail_context(request, meeting, **forms), status=status)


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.meeting_detail(request.user, pk))


def _messages_of(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


def _step(request: HttpRequest, pk: int, fn: Any, ok: str, **kwargs: Any) -> HttpResponse:
    meeting = selectors.meeting_detail(request.user, pk)
    try:
        fn(meeting=meeting, actor=request.user, **kwargs)
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    except ValidationError as exc:
        return _detail(request, selectors.meeting_detail(request.user, pk), status=400, errors=_messages_of(exc))
    messages.success(request, ok)
    return redirect("committees:meeting_detail", pk)


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_detail(request.user, pk)
    if not permissions.can_manage_meeting(request.user, meeting):
        return _forbidden(request, PermissionDenied())
    people = selectors.institution_persons(meeting.institution, department=meeting.department)
    initial = {"title": meeting.title, "starts_at": timezone.localtime(meeting.starts_at), "place": meeting.place, "chair": meeting.chair}
    form = MeetingEditForm(request.POST or None, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.meeting_update(meeting=meeting, actor=request.user, title=d["title"], starts_at=d["starts_at"],
                                    place=d["place"], chair=d["chair"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("committees:meeting_detail", pk)
    return render(request, "committees/meeting_edit.html", {"form": form, "meeting": meeting})


@login_required
@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_detail(request.user, pk)
    form = AgendaItemForm(request.POST, prefix="agenda")
    if form.is_valid():
        try:
            services.agenda_item_add(meeting=meeting, actor=request.user, **form.cleaned_data)
        except PermissionDenied as exc:
            return _forbidden(request, exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("committees:meeting_detail", pk)
    return _detail(request, meeting, status=400, agenda_form=form)


@login_required
def agenda_edit(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    meeting = selectors.meeting_detail(request.user, pk)
    item = get_object_or_404(meeting.agenda_items.all(), pk=item_id)
    form = AgendaItemForm(request.POST or None, initial={"title": item.title, "detail": item.detail})
    if request.method == "POST":
        if "delete" in request.POST:
            try:
                services.agenda_item_remove(item=item, actor=request.user)
            except PermissionDenied as exc:
                return _forbidden(request, exc)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect("committees:meeting_detail", pk)
        elif form.is_valid():
            try:
                services.agenda_item_update(item=item, actor=request.user, **form.cleaned_data)
            except PermissionDenied as exc:
                return _forbidden(request, exc)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect("committees:meeting_detail", pk)
    return render(request, "committees/agenda_edit.html", {"form": form, "meeting": meeting, "item": item})


@login_required
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_detail(request.user, pk)
    entries = []
    for row in meeting.attendance.all():
        status = request.POST.get(f"status_{row.pk}")
        if status is None:
            continue
        entries.append({"user": row.user_id, "status": status, "proxy_name": request.POST.get(f"proxy_{row.pk}", ""),
                        "note": request.POST.get(f"note_{row.pk}", "")})
    try:
        services.attendance_record(meeting=meeting, actor=request.user, entries=entries)
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    except ValidationError as exc:
        return _detail(request, selectors.meeting_detail(request.user, pk), status=400, errors=_messages_of(exc), posted=request.POST)
    messages.success(request, _("出席情况已保存。"))
    return redirect("committees:meeting_detail", pk)


@login_required
@require_POST
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_detail(request.user, pk)
    texts = {}
    for item in meeting.agenda_items.all():
        key = f"minutes_{item.pk}"
        if key in request.POST:
            texts[item.pk] = request.POST[key]
    try:
        services.minutes_record(meeting=meeting, actor=request.user, minutes=texts, summary=request.POST.get("summary"))
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    except ValidationError as exc:
        return _detail(request, selectors.meeting_detail(request.user, pk), status=400, errors=_messages_of(exc), posted=request.POST)
    messages.success(request, _("会议记录已保存。"))
    return redirect("committees:meeting_detail", pk)


@login_required
@require_POST
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_detail(request.user, pk)
    agenda = list(meeting.agenda_items.all())
    form = DecisionForm(request.POST, agenda=agenda, prefix="decision")
    if form.is_valid():
        item = next((a for a in agenda if a.pk == form.cleaned_data["agenda_item"]), None)
        try:
            services.decision_add(meeting=meeting, actor=request.user, text=form.cleaned_data["text"], agenda_item=item)
        except PermissionDenied as exc:
            return _forbidden(request, exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("committees:meeting_detail", pk)
    return _detail(request, meeting, status=400, decision_form=form)


@login_required
@require_POST
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_detail(request.user, pk)
    decisions = list(meeting.decisions.all())
    form = ActionItemForm(
        request.POST,
        decisions=decisions,
        departments=Department.objects.filter(institution=meeting.institution, is_active=True),
        people=selectors.institution_persons(meeting.institution, department=meeting.department),
        prefix="action",
    )
    if form.is_valid():
        d = form.cleaned_data
        decision = next(x for x in decisions if x.pk == d["decision"])
        try:
            services.action_item_create(decision=decision, actor=request.user, department=d["department"], owner=d["owner"],
                                        title=d["title"], due_on=d["due_on"], description=d["description"])
        except PermissionDenied as exc:
            return _forbidden(request, exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("整改事项已登记。"))
            return redirect("committees:meeting_detail", pk)
    return _detail(request, meeting, status=400, action_form=form)


@login_required
@require_POST
def meeting_hold(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, services.meeting_hold, _("已确认会议召开。"))


@login_required
@require_POST
def meeting_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, services.meeting_approve, _("会议纪要已批准并存档。"))


@login_required
@require_POST
def meeting_correct(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, services.meeting_correction_open, _("已发起更正：修改后须重新批准，原版本保留。"),
                 reason=request.POST.get("reason", ""))


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, services.meeting_cancel, _("会议已取消。"), reason=request.POST.get("reason", ""))


def _pdf_response(data: bytes | Any, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The approved minutes as stored; before approval, a draft rendered on the fly."""
    from committees.pdf import render_minutes_pdf

    meeting = selectors.meeting_detail(request.user, pk)
    if meeting.status == MeetingStatus.APPROVED:
        version = meeting.minutes_versions.get(version=meeting.minutes_version)
        with version.pdf.open("rb") as fh:
            return _pdf_response(fh.read(), f"minutes-{meeting.pk}-v{version.version}.pdf")
    return _pdf_response(render_minutes_pdf(meeting), f"minutes-{meeting.pk}-draft.pdf")


@login_required
def minutes_version_pdf(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    meeting = selectors.meeting_detail(request.user, pk)
    mv = get_object_or_404(MinutesVersion, meeting=meeting, version=version)
    with mv.pdf.open("rb") as fh:
        return _pdf_response(fh.read(), f"minutes-{meeting.pk}-v{mv.version}.pdf")


# ---- action items ---------------------------------------------------------------------------------


@login_required
def action_item_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.visible_action_items(request.user).order_by("due_on", "id")
    status = request.GET.get("status", "")
    if status in ActionStatus.values:
        qs = qs.filter(status=status)
    if request.GET.get("mine"):
        qs = qs.filter(owner_id=request.user.pk)
    today = timezone.localdate()
    if request.GET.get("overdue"):
        qs = qs.filter(status=ActionStatus.OPEN, due_on__lt=today)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for item in page:
        item.overdue = item.is_overdue(today)
    return render(request, "committees/action_item_list.html",
                  {"page": page, "status": status, "statuses": ActionStatus.choices, "today": today})


def _item_context(request: HttpRequest, item: Any, **forms: Any) -> dict:
    user = request.user
    return {
        "item": item,
        "overdue": item.is_overdue(),
        "history": history_labelled(item, ActionStatus),
        "can_done": permissions.can_mark_done(user, item) and item.status == ActionStatus.OPEN,
        "can_upload": permissions.can_mark_done(user, item) and item.status in (ActionStatus.OPEN, ActionStatus.DONE),
        "can_verify": permissions.can_verify(user, item) and item.status == ActionStatus.DONE,
        "done_form": forms.get("done_form") or DoneForm(),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(),
        "verify_form": forms.get("verify_form") or VerifyForm(),
        "return_form": forms.get("return_form") or ReasonForm(),
    }


@login_required
def action_item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.action_item_detail(request.user, pk)
    return render(request, "committees/action_item_detail.html", _item_context(request, item))


def _item_step(request: HttpRequest, pk: int, form_name: str, form: Any, call: Any, ok: str) -> HttpResponse:
    item = selectors.action_item_detail(request.user, pk)
    if form.is_valid():
        try:
            call(item, form.cleaned_data)
        except PermissionDenied as exc:
            return _forbidden(request, exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, ok)
            return redirect("committees:action_item_detail", pk)
    item = selectors.action_item_detail(request.user, pk)
    return render(request, "committees/action_item_detail.html", _item_context(request, item, **{form_name: form}), status=400)


@login_required
@require_POST
def action_item_done(request: HttpRequest, pk: int) -> HttpResponse:
    form = DoneForm(request.POST, request.FILES)
    return _item_step(
        request, pk, "done_form", form,
        lambda item, d: services.action_item_mark_done(
            item=item, actor=request.user, evidence_text=d["evidence_text"], files=[d["file"]] if d.get("file") else []
        ),
        _("已标记完成，等待质控办核实。"),
    )


@login_required
@require_POST
def action_item_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    form = EvidenceForm(request.POST, request.FILES)
    return _item_step(request, pk, "evidence_form", form,
                      lambda item, d: services.action_evidence_add(item=item, actor=request.user, upload=d["file"]),
                      _("佐证材料已上传。"))


@login_required
@require_POST
def action_item_verify(request: HttpRequest, pk: int) -> HttpResponse:
    form = VerifyForm(request.POST)
    return _item_step(request, pk, "verify_form", form,
                      lambda item, d: services.action_item_verify(item=item, actor=request.user, note=d["note"]),
                      _("整改事项已核实。"))


@login_required
@require_POST
def action_item_return(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    return _item_step(request, pk, "return_form", form,
                      lambda item, d: services.action_item_return(item=item, actor=request.user, reason=d["reason"]),
                      _("已退回责任人重新落实。"))


@login_required
def evidence_download(request: HttpRequest, pk: int, evidence_id: int) -> HttpResponseBase:
    item = selectors.action_item_detail(request.user, pk)
    evidence = get_object_or_404(ActionEvidence, pk=evidence_id, action_item=item)
    return download_response(evidence.file, name=evidence.original_name, content_type=evidence.content_type)


# ---- bodies and compliance ------------------------------------------------------------------------


@login_required
def body_list(request: HttpRequest) -> HttpResponse:
    bodies = (
        selectors.visible_bodies(request.user)
        .prefetch_related("members")
        .order_by("institution__code", "kind", "department__kind", "department__code")
    )
    rows = [(b, permissions.is_manager(request.user, b.institution_id)) for b in bodies]
    return render(request, "committees/body_list.html", {"rows": rows})


@login_required
def body_edit(request: HttpRequest, pk: int) -> HttpResponse:
    body = get_object_or_404(selectors.visible_bodies(request.user).prefetch_related("members"), pk=pk)
    if not permissions.is_manager(request.user, body.institution_id):
        return _forbidden(request, PermissionDenied())
    people = selectors.institution_people(body.institution)
    initial = {"chair": body.chair, "members": list(body.members.all()), "quarterly_plenary": body.quarterly_plenary,
               "quorum_percent": body.quorum_percent, "deputy_chair": body.deputy_chair}
    form = BodyForm(request.POST or None, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.body_update(body=body, actor=request.user, chair=d["chair"], members=list(d["members"]),
                                 quarterly_plenary=d["quarterly_plenary"], quorum_percent=d["quorum_percent"],
                                 deputy_chair=d.get("deputy_chair") if not body.is_committee else False)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("会议主体已更新。"))
            return redirect("committees:body_list")
    return render(request, "committees/body_edit.html", {"form": form, "body": body})


def _parse_month(value: str | None, default: tuple[int, int]) -> tuple[int, int]:
    try:
        y, m = (int(x) for x in (value or "").split("-"))
        if 2000 <= y <= 2100 and 1 <= m <= 12:
            return y, m
    except ValueError:
        pass
    return default


@login_required
def compliance(request: HttpRequest) -> HttpResponse:
    scope = get_scope(request.user)
    institutions = visible_institutions(request.user).filter(
        pk__in=scope.institution_ids | scope.official_institution_ids | scope.department_institution_ids
    ).order_by("code") if not scope.superuser else visible_institutions(request.user).order_by("code")
    code = request.GET.get("institution")
    institution = institutions.filter(code=code).first() if code else institutions.first()
    if institution is None:
        raise Http404
    today = timezone.localdate()
    last = _parse_month(request.GET.get("to"), (today.year, today.month))
    back = dt.date(last[0], last[1], 1) - dt.timedelta(days=330)
    # By default the grid starts when the hospital's bodies started, at most a year back: no empty columns.
    earliest = MeetingBody.objects.filter(institution=institution).aggregate(d=Min("active_from"))["d"]
    if earliest and earliest > back:
        back = earliest
    first = _parse_month(request.GET.get("from"), (back.year, back.month))
    if first > last:
        first = last
    grid = selectors.compliance_grid_span(institution_id=institution.pk, first=first, last=last, today=today)
    visible_ids = set(selectors.visible_bodies(request.user).filter(institution=institution).values_list("pk", flat=True))
    grid["rows"] = [r for r in grid["rows"] if r["body_id"] in visible_ids]
    grid["gaps"] = sum(r["missing"] for r in grid["rows"])
    return render(
        request,
        "committees/compliance.html",
        {"grid": grid, "institution": institution, "institutions": institutions,
         "first": f"{first[0]:04d}-{first[1]:02d}", "last": f"{last[0]:04d}-{last[1]:02d}"},
    )

