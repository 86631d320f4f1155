from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from staff.models import Profession
from staff.selectors import visible_staff


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    qs = visible_staff(request.user).order_by("institution__code", "department__code", "code")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__iexact=q))
    profession = request.GET.get("profession", "")
    if profession in Profession.values:
        qs = qs.filter(profession=profession)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "staff/list.html", {"page": page, "q": q, "profession": profession,
                                               "professions": Profession.choices})
