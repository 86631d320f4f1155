from qc_centres.api.views import CentreViewSet


def register(router) -> list:  # noqa: ANN001
    router.register("qc-centres", CentreViewSet, basename="qc-centre")
    return []
