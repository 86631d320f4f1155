from django.urls import path

from committees.api.views import (
    ActionItemViewSet,
    AgendaItemViewSet,
    AttendanceViewSet,
    DecisionViewSet,
    MeetingBodyViewSet,
    MeetingViewSet,
)


def register(router) -> list:
    router.register("meeting-bodies", MeetingBodyViewSet, basename="committee-body")
    router.register("meetings", MeetingViewSet, basename="committee-meeting")
    router.register("agenda-items", AgendaItemViewSet, basename="committee-agenda-item")
    router.register("attendance", AttendanceViewSet, basename="committee-attendance")
    router.register("decisions", DecisionViewSet, basename="committee-decision")
    router.register("action-items", ActionItemViewSet, basename="committee-action-item")
    # API.md spells document paths without a trailing slash (…/registration-form.pdf).
    return [path("meetings/<int:pk>/minutes.pdf", MeetingViewSet.as_view({"get": "minutes_pdf"}),
                 name="committee-meeting-minutes-pdf")]
