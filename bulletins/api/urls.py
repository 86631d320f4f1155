from bulletins.api.views import BulletinViewSet


def register(router) -> list:  # noqa: ANN001
    router.register("bulletins", BulletinViewSet, basename="bulletin")
    return []
