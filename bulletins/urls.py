from django.urls import path

from bulletins import views

app_name = "bulletins"
urlpatterns = [
    path("", views.bulletin_list, name="list"),
    path("new/", views.bulletin_start, name="start"),
    path("<int:pk>/", views.bulletin_detail, name="detail"),
    path("<int:pk>/edit/", views.bulletin_edit, name="edit"),
    path("<int:pk>/publish/", views.bulletin_publish, name="publish"),
    path("<int:pk>/regenerate/", views.bulletin_regenerate, name="regenerate"),
    path("<int:pk>/pdf/", views.bulletin_pdf, name="pdf"),
]
