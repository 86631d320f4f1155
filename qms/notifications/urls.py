from django.urls import path

from qms.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/read/", views.notification_read, name="read"),
    path("read-all/", views.notifications_read_all, name="read_all"),
    path("passes/", views.passes, name="passes"),
    path("passes/run/", views.pass_run_now, name="pass_run"),
    path("passes/<int:pk>/progress.json", views.pass_progress, name="pass_progress"),
]
