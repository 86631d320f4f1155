"""The API's JSON parser: DRF's, but a body nested past any shape this API takes is a 400, not a
RecursionError (a 500, also before authentication on the token endpoint), and the message is translated."""
from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32  # the deepest body the API takes is three levels (an event with its list of patient ids)


def _depth(value: Any) -> int:
    """Nesting depth, walked without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            children: list[Any] = list(node.values())
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("请求体嵌套层数过多（不得超过 %(max)d 层）。") % {"max": MAX_DEPTH}) from None
        except ParseError as exc:
            raise ParseError(_("请求体不是有效的 JSON：%(error)s") % {"error": str(exc.detail).removeprefix("JSON parse error - ")}) from None
        if _depth(data) > MAX_DEPTH:
            raise ParseError(_("请求体嵌套层数过多（不得超过 %(max)d 层）。") % {"max": MAX_DEPTH})
        return data
