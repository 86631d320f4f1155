from django.http import HttpRequest


def inbox(request: HttpRequest) -> dict:
    """The unread count shown in the header (None hides the inbox link)."""
    return {"inbox_unread": None}
