from rectifications.api.views import RectificationViewSet


def register(router) -> list:
    router.register("rectifications", RectificationViewSet, basename="rectification")
    return []
