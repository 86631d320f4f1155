from qc_centres.api.views import CentreViewSet


def register(router) -> list:
    router.register("qc-centres", CentreViewSet, basename="qc-centre")
    return []
