"""API conventions shared by every app: error shape, and Django ValidationError from services as 400."""
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def validation_error_detail(error: DjangoValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [str(m) for e in errs for m in e.messages]
            for field, errs in error.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in error.messages]}


def exception_handler(exc, context):  # noqa: ANN001, ANN201
    if isinstance(exc, DjangoValidationError):
        return Response(validation_error_detail(exc), status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    # 400 is always a JSON object of field -> list of messages (API.md), also for malformed JSON.
    if response.status_code == 400:
        if isinstance(exc, exceptions.ParseError) or (isinstance(response.data, dict) and set(response.data) == {"detail"}):
            response.data = {"non_field_errors": [str(response.data.get("detail", exc))]}
        elif isinstance(response.data, list):
            response.data = {"non_field_errors": [str(m) for m in response.data]}
    return response
