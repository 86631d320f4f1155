from django.urls import path

from interviews import views

app_name = "interviews"
urlpatterns = [
    path("", views.interview_list, name="list"),
    path("new/", views.interview_create, name="create"),
    path("summary/", views.half_year_summary, name="summary"),
    path("<int:pk>/", views.interview_detail, name="detail"),
    path("<int:pk>/registration-form.pdf", views.registration_form_pdf, name="registration_form"),
    path("<int:pk>/documents/<int:doc_pk>/", views.document_download, name="document"),
    path("<int:pk>/<str:step>/", views.interview_step, name="step"),
]
