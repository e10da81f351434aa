"""A tiny API used only to exercise the shared API machinery (envelope, pagination, auth)."""
from django.urls import path
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cityos.api.base import AdminAPIView
from cityos.api.pagination import CountedLimitOffsetPagination
from cityos.errors import Conflict


class EchoSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=10)
    quantity = serializers.IntegerField(min_value=1, max_value=1000)
    address = serializers.DictField(child=serializers.CharField(), required=False)


class EchoView(APIView):
    def post(self, request):
        serializer = EchoSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data["name"] == "taken":
            raise Conflict("That name is taken.", code="name_taken", fields={"name": ["Already used."]})
        return Response(serializer.validated_data, status=201)


class NumbersView(APIView):
    def get(self, request):
        paginator = CountedLimitOffsetPagination()
        page = paginator.paginate_queryset(list(range(1, 151)), request, view=self)
        return paginator.get_paginated_response(page)


class StaffOnlyView(AdminAPIView):
    def get(self, request):
        return Response({"user": str(request.user)})


urlpatterns = [
    path("test-api/echo", EchoView.as_view()),
    path("test-api/numbers", NumbersView.as_view()),
    path("test-api/staff", StaffOnlyView.as_view()),
]
