"""Base of the commerce admin API: CRUD viewsets whose writes go through services.

A concrete viewset names its read serializer (`serializer_class`), the input serializer that
checks the shape of writes (`input_serializer_class`), and implements `save(data, instance)`
(create when `instance` is None) and optionally `remove(instance)` by calling its app's
services. Updates are partial (PATCH).
"""
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from cityos.api.base import AdminViewSet
from cityos.errors import Conflict


def documented(input_serializer, *, tag: str):
    """extend_schema_view for a ServiceViewSet: request bodies of writes, the tag of every action."""
    return extend_schema_view(
        list=extend_schema(tags=[tag]), retrieve=extend_schema(tags=[tag]),
        create=extend_schema(tags=[tag], request=input_serializer),
        partial_update=extend_schema(tags=[tag], request=input_serializer),
        destroy=extend_schema(tags=[tag]),
    )


class ServiceViewSet(AdminViewSet):
    input_serializer_class = None
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def save(self, data: dict, instance=None):
        raise NotImplementedError

    def remove(self, instance) -> None:
        raise Conflict("This kind of object cannot be deleted.", code="not_deletable")

    def read(self, instance):
        return self.get_serializer(instance).data

    def validated(self, partial: bool) -> dict:
        serializer = self.input_serializer_class(data=self.request.data, partial=partial,
                                                 context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def create(self, request, *args, **kwargs):
        instance = self.save(self.validated(partial=False))
        return Response(self.read(self.refetch(instance)), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        instance = self.save(self.validated(partial=True), instance)
        return Response(self.read(self.refetch(instance)))

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        self.remove(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def refetch(self, instance):
        """The object again through the viewset's queryset (with its prefetches)."""
        return self.get_queryset().get(pk=instance.pk)
