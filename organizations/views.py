from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from organizations.compliance import structure_breaches
from organizations.models import QualityCommittee
from organizations.selectors import visible_departments, visible_institutions


@login_required
def institution_list(request: HttpRequest) -> HttpResponse:
    institutions = visible_institutions(request.user).order_by("authority__code", "code")
    return render(request, "organizations/institution_list.html", {"institutions": institutions})


@login_required
def institution_detail(request: HttpRequest, code: str) -> HttpResponse:
    institution = get_object_or_404(visible_institutions(request.user).prefetch_related("deputies"), code=code)
    departments = (
        visible_departments(request.user)
        .filter(institution=institution)
        .select_related("quality_group__leader", "quality_group__daily_contact")
        .prefetch_related("quality_group__controllers__user")
    )
    committee = (
        QualityCommittee.objects.filter(institution=institution)
        .select_related("chair", "office_department")
        .prefetch_related("members")
        .first()
    )
    return render(
        request,
        "organizations/institution_detail.html",
        {"institution": institution, "departments": departments, "committee": committee},
    )


@login_required
def structure_compliance(request: HttpRequest, code: str) -> HttpResponse:
    institution = get_object_or_404(visible_institutions(request.user), code=code)
    return render(
        request,
        "organizations/structure.html",
        {"institution": institution, "breaches": structure_breaches(institution)},
    )
