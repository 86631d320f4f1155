from django.http import HttpRequest

from qms.extensions import NAV_ITEMS


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": [item for item in NAV_ITEMS if item.visible(user)]}
