from django.urls import path  # noqa: F401

app_name = "qc_centres"
urlpatterns: list = []
