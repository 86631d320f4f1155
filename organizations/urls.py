from django.urls import path

from organizations import views

app_name = "organizations"
urlpatterns = [
    path("institutions/", views.institution_list, name="institution_list"),
    path("institutions/<str:code>/", views.institution_detail, name="institution_detail"),
    path("institutions/<str:code>/structure/", views.structure_compliance, name="structure"),
]
