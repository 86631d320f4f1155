"""The 医疗质量安全约谈登记表 (Art. 47 (五) and its attachment), rendered field for field.

The form is one A4 page for records of ordinary length, with each person's name and title on one aligned
row. When the first sheet would run past one page, the longest texts move whole, one at a time, to a
continuation sheet titled as such (医疗质量安全约谈登记表（续页）) until it fits; each moved box says where
its text went: nothing is cut.
"""
from __future__ import annotations

from django.utils import timezone

from interviews.models import Interview, Participant
from interviews.templatetags.legal_dates import mark
from qms.pdf import render_document, render_pdf


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
    record_parts = [(label, text) for label, text in record_parts if text]
    lengths = {
        "record": len(interview.record) + sum(len(label) + len(text) for label, text in record_parts),
        "problems": len(interview.problems),
        "rectification_record": len(interview.rectification_record),
        "conclusion": len(interview.conclusion),
        "remarks": len(interview.remarks),
    }
    return {
        "lengths": lengths,
        "interview": interview,
        "interviewees": interviewees,
        "interviewers": interviewers,
        "record_parts": record_parts,
        "overflow": dict.fromkeys(lengths, False),
        "continued": False,
        # SPEC §8: the legal date carries its confirmed mark on the form too.
        "report_due": mark(interview.rectification_report_due, interview.rectification_report_due_confirmed, "cn")
        if interview.rectification_report_due else "",
        "held_at": timezone.localtime(interview.held_at) if interview.held_at else None,
        "scheduled_at": timezone.localtime(interview.scheduled_at) if interview.scheduled_at else None,
        "printed_at": timezone.localtime(),
    }


TEMPLATE = "pdf/interviews/registration_form.html"


def render_registration_form_pdf(interview: Interview) -> bytes:
    ctx = registration_form_context(interview)
    doc = render_document(TEMPLATE, ctx)
    if len(doc.pages) == 1:
        return doc.write_pdf()
    for name in sorted(ctx["lengths"], key=lambda n: -ctx["lengths"][n]):
        if not ctx["lengths"][name]:
            break
        ctx["overflow"][name] = True
        ctx["continued"] = True
        if len(render_document(TEMPLATE, {**ctx, "first_sheet_only": True}).pages) == 1:
            break
    return render_pdf(TEMPLATE, ctx)
