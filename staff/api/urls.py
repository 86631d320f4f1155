from staff.api.views import StaffViewSet


def register(router) -> list:
    router.register("staff", StaffViewSet, basename="staff")
    return []
