from case_reviews.api.views import CasePoolViewSet, CaseReviewViewSet


def register(router) -> list:
    router.register("case-reviews", CaseReviewViewSet, basename="case-review")
    router.register("case-pool", CasePoolViewSet, basename="case-pool")
    return []
