from django.urls import path

from safety_info import views

app_name = "safety_info"
urlpatterns = [
    path("", views.record_list, name="list"),
    path("new/", views.record_new, name="new"),
    path("<int:pk>/", views.record_detail, name="detail"),
    path("<int:pk>/interview/", views.record_interview, name="interview"),
    path("overview/", views.overview, name="overview"),
    path("exports/", views.exports, name="exports"),
    path("exports/<int:pk>/<str:fmt>/", views.export_download, name="export_download"),
]
