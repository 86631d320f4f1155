from django.urls import path

from qc_centres import views

app_name = "qc_centres"
urlpatterns = [
    path("", views.centre_list, name="list"),
    path("new/", views.centre_new, name="new"),
    path("applications/", views.application_list, name="applications"),
    path("applications/new/", views.application_new, name="application_new"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("<int:pk>/", views.centre_detail, name="detail"),
    path("<int:pk>/committee/", views.committee, name="committee"),
    path("<int:pk>/cycle/", views.cycle, name="cycle"),
    path("<int:pk>/visits/", views.visits, name="visits"),
    path("<int:pk>/assessment/", views.assessment, name="assessment"),
    path("<int:pk>/data/", views.data, name="data"),
    path("<int:pk>/data/export/", views.data_export, name="export"),
]
