from django.urls import path

from adverse_events import views

app_name = "adverse_events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_new, name="new"),
    path("mine/", views.my_reports, name="mine"),
    path("receipt/", views.receipt, name="receipt"),
    path("statistics/", views.statistics, name="statistics"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/receive/", views.event_receive, name="receive"),
    path("<int:pk>/classify/", views.event_classify, name="classify"),
    path("<int:pk>/analyse/", views.event_analyse, name="analyse"),
    path("<int:pk>/feedback/", views.event_feedback, name="feedback"),
    path("<int:pk>/improve/", views.event_improve, name="improve"),
    path("<int:pk>/close/", views.event_close, name="close"),
    path("<int:pk>/withdraw/", views.event_withdraw, name="withdraw"),
    path("<int:pk>/authority-report/", views.event_authority, name="authority_report"),
    path("<int:pk>/actions/", views.event_action_add, name="action_add"),
    path("<int:pk>/actions/<int:action_id>/", views.action_step, name="action_step"),
    path("<int:pk>/attachments/", views.event_attach, name="attach"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
]
