from bulletins.api.views import BulletinViewSet


def register(router) -> list:
    router.register("bulletins", BulletinViewSet, basename="bulletin")
    return []
