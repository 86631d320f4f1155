from inspections.api.views import ChecklistViewSet, CoreSystemViewSet, InspectionViewSet, RecordReviewViewSet


def register(router) -> list:
    router.register("core-systems", CoreSystemViewSet, basename="core-system")
    router.register("checklists", ChecklistViewSet, basename="checklist")
    router.register("inspections", InspectionViewSet, basename="inspection")
    router.register("record-reviews", RecordReviewViewSet, basename="record-review")
    return []
