from django.urls import path

from committees import views

app_name = "committees"
urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("plan/", views.meeting_plan, name="meeting_plan"),
    path("compliance/", views.compliance, name="compliance"),
    path("bodies/", views.body_list, name="body_list"),
    path("bodies/<int:pk>/edit/", views.body_edit, name="body_edit"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("<int:pk>/agenda/<int:item_id>/", views.agenda_edit, name="agenda_edit"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/minutes/", views.minutes, name="minutes"),
    path("<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path("<int:pk>/action-items/", views.action_add, name="action_add"),
    path("<int:pk>/hold/", views.meeting_hold, name="meeting_hold"),
    path("<int:pk>/approve/", views.meeting_approve, name="meeting_approve"),
    path("<int:pk>/correct/", views.meeting_correct, name="meeting_correct"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("<int:pk>/minutes/v<int:version>.pdf", views.minutes_version_pdf, name="minutes_version_pdf"),
    path("actions/", views.action_item_list, name="action_item_list"),
    path("actions/<int:pk>/", views.action_item_detail, name="action_item_detail"),
    path("actions/<int:pk>/done/", views.action_item_done, name="action_item_done"),
    path("actions/<int:pk>/evidence/", views.action_item_evidence, name="action_item_evidence"),
    path("actions/<int:pk>/evidence/<int:evidence_id>/", views.evidence_download, name="evidence_download"),
    path("actions/<int:pk>/verify/", views.action_item_verify, name="action_item_verify"),
    path("actions/<int:pk>/return/", views.action_item_return, name="action_item_return"),
]
