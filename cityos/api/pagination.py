from collections import OrderedDict

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response


class CountedLimitOffsetPagination(LimitOffsetPagination):
    """`?limit=&offset=` pages that always report the total `count`."""

    default_limit = 20
    max_limit = 100

    def get_paginated_response(self, data):
        return Response(OrderedDict([
            ("count", self.count),
            ("limit", self.limit),
            ("offset", self.offset),
            ("next", self.get_next_link()),
            ("previous", self.get_previous_link()),
            ("results", data),
        ]))

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["limit"] = {"type": "integer", "example": self.default_limit}
        paginated["properties"]["offset"] = {"type": "integer", "example": 0}
        paginated["required"] = ["count", "limit", "offset", "results"]
        return paginated
