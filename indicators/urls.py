from django.urls import path

from indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("i/<str:code>/", views.indicator_detail, name="indicator_detail"),
    path("i/<str:code>/comparison/", views.comparison, name="comparison"),
    path("i/<str:code>/interventions/", views.intervention_add, name="intervention_add"),
    path("authority/", views.authority_overview, name="authority_overview"),
    path("authority/report.pdf", views.authority_report_pdf, name="authority_report_pdf"),
    path("entry/", views.value_entry, name="value_entry"),
    path("import/", views.import_upload, name="import_upload"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_batch, name="import_batch"),
    path("export.xlsx", views.export, name="export"),
    path("event-rate/recompute/", views.recompute_event_rate, name="recompute_event_rate"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/<str:institution>/<str:department>/<str:period>/", views.report_detail, name="report_detail"),
]
