from safety_info.api.views import EventExportViewSet, SafetyRecordViewSet


def register(router) -> list:
    router.register("safety-information", SafetyRecordViewSet, basename="safety-information")
    router.register("adverse-event-exports", EventExportViewSet, basename="adverse-event-export")
    return []
