from django.urls import path

from interviews.api.views import InterviewViewSet, RegistrationFormView


def register(router) -> list:
    router.register("interviews", InterviewViewSet, basename="interview")
    return [
        path("interviews/<int:pk>/registration-form.pdf", RegistrationFormView.as_view(), name="interview-registration-form"),
    ]
