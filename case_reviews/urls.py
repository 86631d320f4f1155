from django.urls import path

from case_reviews import views

app_name = "case_reviews"
urlpatterns = [
    path("", views.index, name="index"),
    path("pool/", views.pool, name="pool"),
    path("pool/upload/", views.pool_upload, name="pool_upload"),
    path("pool/<int:pk>/", views.case_detail, name="case"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/sample/", views.round_sample, name="round_sample"),
    path("rounds/<int:pk>/add/", views.round_add, name="round_add"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("reviews/<int:pk>/assign/", views.review_assign, name="review_assign"),
    path("reviews/<int:pk>/interview/", views.review_interview, name="review_interview"),
]
