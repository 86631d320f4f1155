from django.urls import path

from inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("new/", views.inspection_new, name="new"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("<int:pk>/enter/", views.inspection_enter, name="enter"),
    path("<int:pk>/complete/", views.inspection_complete, name="complete"),
    path("<int:pk>/cancel/", views.inspection_cancel, name="cancel"),
    path("<int:pk>/photos/<int:photo_id>/", views.photo_download, name="photo"),
    path("checklists/", views.checklist_list, name="checklists"),
    path("checklists/new/", views.checklist_edit, name="checklist_new"),
    path("checklists/import/", views.checklist_import, name="checklist_import"),
    path("checklists/export.xlsx", views.checklist_export, name="checklists_export"),
    path("checklists/<int:pk>/", views.checklist_detail, name="checklist_detail"),
    path("checklists/<int:pk>/edit/", views.checklist_edit, name="checklist_edit"),
    path("checklists/<int:pk>/export.xlsx", views.checklist_export, name="checklist_export"),
    path("plan/", views.plan, name="plan"),
    path("plan/<int:pk>/cancel/", views.plan_cancel, name="plan_cancel"),
    path("coverage/", views.coverage, name="coverage"),
    path("analysis/", views.analysis, name="analysis"),
    path("oversight/", views.oversight, name="oversight"),
    path("records/", views.record_list, name="records"),
    path("records/new/", views.record_new, name="record_new"),
    path("records/stats/", views.record_stats, name="record_stats"),
    path("records/thresholds/", views.record_thresholds, name="record_thresholds"),
    path("records/<int:pk>/", views.record_detail, name="record_detail"),
]
