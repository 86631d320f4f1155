from indicators.api.views import IndicatorValueViewSet, IndicatorViewSet


def register(router) -> list:
    router.register("indicators", IndicatorViewSet, basename="indicator")
    router.register("indicator-values", IndicatorValueViewSet, basename="indicator-value")
    return []
