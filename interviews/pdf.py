"""The 医疗质量安全约谈登记表 (Art. 47 (五) and its attachment), rendered field for field."""
from __future__ import annotations

from django.utils import timezone

from interviews.models import Interview, Participant
from qms.pdf import render_pdf


def registration_form_context(interview: Interview) -> dict:
    people = list(interview.participants.all())
    interviewees = [p for p in people if p.side == Participant.Side.INTERVIEWEE]
    interviewers = [p for p in people if p.side == Participant.Side.INTERVIEWER]
    record_parts = [
        ("（一）介绍参加约谈的工作人员", interview.record_introductions),
        ("（二）约谈原因及存在的主要问题", interview.record_reasons),
        ("（三）约谈对象的解释说明及已采取的措施", interview.record_explanation),
        ("（四）整改要求及期限", interview.record_requirements),
    ]
    return {
        "interview": interview,
        "interviewees": interviewees,
        "interviewers": interviewers,
        "record_parts": [(label, text) for label, text in record_parts if text],
        "held_at": timezone.localtime(interview.held_at) if interview.held_at else None,
        "scheduled_at": timezone.localtime(interview.scheduled_at) if interview.scheduled_at else None,
        "printed_at": timezone.localtime(),
    }


def render_registration_form_pdf(interview: Interview) -> bytes:
    return render_pdf("pdf/interviews/registration_form.html", registration_form_context(interview))
