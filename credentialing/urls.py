from django.urls import path

from credentialing import views

app_name = "credentialing"
urlpatterns = [
    path("", views.privilege_list_view, name="list"),
    path("apply/", views.privilege_apply, name="apply"),
    path("privileges/<int:pk>/", views.privilege_detail, name="privilege"),
    path("privileges/<int:pk>/approve/", views.privilege_approve, name="approve"),
    path("privileges/<int:pk>/reject/", views.privilege_reject, name="reject"),
    path("privileges/<int:pk>/review/", views.privilege_review, name="review"),
    path("privileges/<int:pk>/suspend/", views.privilege_status, {"step": "suspend"}, name="suspend"),
    path("privileges/<int:pk>/restore/", views.privilege_status, {"step": "restore"}, name="restore"),
    path("privileges/<int:pk>/revoke/", views.privilege_status, {"step": "revoke"}, name="revoke"),
    path("items/", views.item_list, name="items"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/stop/", views.item_stop, name="item_stop"),
    path("items/<int:pk>/resume/", views.item_resume, name="item_resume"),
    path("items/<int:pk>/prerequisites/", views.item_prerequisites, name="item_prerequisites"),
    path("items/<int:pk>/assess/", views.item_assess, name="item_assess"),
    path("archive/<int:pk>/", views.staff_archive, name="archive"),
    path("archive/<int:pk>/pdf/", views.staff_archive_pdf, name="archive_pdf"),
    path("grid/", views.grid, name="grid"),
    path("emergency/", views.emergency_list, name="emergency_list"),
    path("emergency/<int:pk>/", views.emergency_detail, name="emergency"),
]
