import re

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from catalog.api.exceptions import InvalidParameters

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
DIGITS = re.compile(r"[0-9]+")


class CatalogPagination(PageNumberPagination):
    """Numbered pages of 50; `page_size` may ask for up to 200.

    A larger `page_size` is clamped; one that is not a whole number from 1 is a
    400. A page that does not exist is a 404.
    """

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    invalid_page_message = "There is no page “{page_number}”: {message}."

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":
            return self.page_size
        digits = raw.lstrip("0")
        if not DIGITS.fullmatch(raw) or not digits:
            message = f"“page_size” must be a whole number from 1, not “{raw}”."
            raise InvalidParameters([("page_size", message)])
        # Compare lengths first: int() refuses strings of thousands of digits.
        too_big = len(digits) > len(str(self.max_page_size))
        return self.max_page_size if too_big else min(int(digits), self.max_page_size)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "page": self.page.number,
                "page_size": self.page.paginator.per_page,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        count = {"type": "integer", "minimum": 0}
        return {
            "type": "object",
            "required": ["count", "page", "page_size", "next", "previous", "results"],
            "properties": {
                "count": count,
                "page": {"type": "integer", "minimum": 1},
                "page_size": {"type": "integer", "minimum": 1},
                "next": link,
                "previous": link,
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        number = {"type": "integer", "minimum": 1}
        return [
            {
                "name": self.page_query_param,
                "in": "query",
                "required": False,
                "allowEmptyValue": True,
                "description": "Page number, from 1. A page past the end is a 404.",
                "schema": number,
            },
            {
                "name": self.page_size_query_param,
                "in": "query",
                "required": False,
                "allowEmptyValue": True,
                "description": (
                    f"Results per page: {PAGE_SIZE} by default, at most "
                    f"{MAX_PAGE_SIZE} (larger values are clamped)."
                ),
                "schema": number,
            },
        ]
