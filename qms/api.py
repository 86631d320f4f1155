"""API conventions shared by every app: error shape, and Django ValidationError from services as 400."""
import datetime as dt
import logging
from collections.abc import Callable, MutableMapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError, models
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


def validation_error_detail(error: DjangoValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [str(m) for e in errs for m in e.messages]
            for field, errs in error.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in error.messages]}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        return Response(validation_error_detail(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, (OperationalError, InterfaceError)):
        # The database went away mid-request (restart, fail-over): the transaction is rolled back, nothing
        # was written; tell the client to retry (with the same Idempotency-Key) instead of a bare 500.
        logger.error("database unavailable during %s", context.get("view").__class__.__name__, exc_info=exc)
        response = Response({"non_field_errors": [_("数据库暂时不可用，未保存任何内容，请稍后重试。")]},
                            status=status.HTTP_503_SERVICE_UNAVAILABLE)
        response["Retry-After"] = "5"
        return response
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


def _all_subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    stack: list[type] = [cls]
    while stack:
        children: list[type] = stack.pop().__subclasses__()
        for sub in children:
            if sub not in found:
                found.add(sub)
                stack.append(sub)
    return found


try:
    from drf_spectacular.openapi import AutoSchema as _SpectacularAutoSchema
except ImportError:  # pragma: no cover - drf-spectacular is a dependency
    _SpectacularAutoSchema = object  # type: ignore[assignment,misc]


class AutoSchema(_SpectacularAutoSchema):  # type: ignore[misc,valid-type]
    """Each app names its serializers freely (two apps both have a ReasonSerializer); a name used by
    more than one module gets the app's name in front, so two components never share a name and
    the schema stays correct for generated HIS clients and schemathesis."""

    def get_serializer_name(self, serializer, direction):
        name = super().get_serializer_name(serializer, direction)
        cls = type(serializer)
        if name != cls.__name__ or not _name_is_shared(cls):
            return name
        app = cls.__module__.split(".")
        label = app[1] if app[0] == "qms" and len(app) > 1 else app[0]
        return "".join(part.capitalize() for part in label.split("_")) + name

    def get_operation_id(self):
        operation_id = super().get_operation_id()
        # A document path served both as API.md spells it (…/minutes.pdf) and with the router's trailing
        # slash: give the alias its own operationId instead of a numbered collision warning.
        last = self.path.rstrip("/").rsplit("/", 1)[-1]
        if self.path.endswith("/") and "." in last:
            operation_id += "_slash"
        return operation_id


def _name_is_shared(cls: type) -> bool:
    from rest_framework.serializers import BaseSerializer

    modules = {c.__module__ for c in _all_subclasses(BaseSerializer) if c.__name__ == cls.__name__}
    return len(modules) > 1


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related field whose choices are `scope(request.user)`: an object outside the caller's reach is
    "不存在" (never named), and no form or schema lists another hospital's objects (issue 13 items 2, 4).
    Without a request in the context nothing is in reach."""

    def __init__(self, *, scope: Callable[[Any], Any], model: Any, **kwargs: Any) -> None:
        self.scope = scope
        self.model = model
        super().__init__(queryset=model._default_manager.none(), **kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        if request is None or not getattr(request.user, "is_authenticated", False):
            return self.model._default_manager.none()
        return self.scope(request.user)



class ModelSerializer(serializers.ModelSerializer):
    """DRF's ModelSerializer, except that a read-only choice field whose model field may be blank still says
    so: DRF drops allow_blank from read-only fields, and the schema then promised one of the choices where
    the answer can be "" (an undecided review, a record without its optional grade)."""

    def include_extra_kwargs(self, kwargs: MutableMapping[str, Any], extra_kwargs: MutableMapping[str, Any]
                             ) -> MutableMapping[str, Any]:
        blank_choice = bool(kwargs.get("allow_blank")) and "choices" in kwargs
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if blank_choice and kwargs.get("read_only"):
            kwargs["allow_blank"] = True
        return kwargs


# The dates a regulated record can plausibly carry. Before 1901 Asia/Shanghai is local mean time (+08:05:43),
# and no record, deadline or birth date here falls outside these years: an event in 0001 or a deadline in
# 9999 is a typo, answered with a 400 that names the range instead of a 500 from an overflow (issue 13).
EARLIEST_DATE = dt.date(1901, 1, 1)
LATEST_DATE = dt.date(2099, 12, 31)


def _out_of_range_message() -> str:
    return _("日期应在 %(min)s 至 %(max)s 之间。") % {"min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat()}


class DateField(serializers.DateField):
    def to_internal_value(self, value: Any) -> dt.date:
        day = super().to_internal_value(value)
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            raise serializers.ValidationError(_out_of_range_message(), code="out_of_range")
        return day


class DateTimeField(serializers.DateTimeField):
    def to_internal_value(self, value: Any) -> dt.datetime:
        try:
            moment = super().to_internal_value(value)
        except (OverflowError, ValueError):  # a naive or offset time at the calendar's edge
            raise serializers.ValidationError(_out_of_range_message(), code="out_of_range") from None
        except serializers.ValidationError as exc:
            if exc.get_codes() in ("overflow", ["overflow"]):  # DRF's own word for the same thing: one message for both
                raise serializers.ValidationError(_out_of_range_message(), code="out_of_range") from None
            raise
        local = moment.astimezone(timezone.get_current_timezone()) if timezone.is_aware(moment) else moment
        if not EARLIEST_DATE <= local.date() <= LATEST_DATE:
            raise serializers.ValidationError(_out_of_range_message(), code="out_of_range")
        return moment


ModelSerializer.serializer_field_mapping = {
    **serializers.ModelSerializer.serializer_field_mapping,
    models.DateField: DateField,
    models.DateTimeField: DateTimeField,
}
