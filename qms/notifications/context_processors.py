from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def inbox(request: HttpRequest) -> dict:
    """The unread count shown in the header (None hides the inbox link).

    Lazy: the count is queried only when a template shows it (base.html's header), not for every render.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"inbox_unread": None}
    from qms.notifications.selectors import unread_count

    return {"inbox_unread": SimpleLazyObject(lambda: unread_count(user))}
