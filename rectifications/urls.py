from django.urls import path

from rectifications import views

app_name = "rectifications"
urlpatterns = [
    path("", views.rectification_list, name="list"),
    path("<int:pk>/", views.rectification_detail, name="detail"),
    path("<int:pk>/report/", views.rectification_report, name="report"),
    path("<int:pk>/verify/", views.rectification_verify, name="verify"),
    path("<int:pk>/reopen/", views.rectification_reopen, name="reopen"),
    path("<int:pk>/cancel/", views.rectification_cancel, name="cancel"),
    path("<int:pk>/evidence/", views.rectification_evidence, name="evidence"),
    path("<int:pk>/evidence/<int:evidence_id>/", views.rectification_evidence_download, name="evidence_download"),
]
