from indicators.api.views import IndicatorValueViewSet, IndicatorViewSet


def register(router) -> list:  # noqa: ANN001
    router.register("indicators", IndicatorViewSet, basename="indicator")
    router.register("indicator-values", IndicatorValueViewSet, basename="indicator-value")
    return []
