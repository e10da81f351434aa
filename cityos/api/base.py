"""Base classes for the admin and platform APIs (staff auth + permission already applied)."""
from rest_framework import mixins, viewsets
from rest_framework.views import APIView

from cityos.api.authentication import STAFF_AUTHENTICATION
from cityos.api.permissions import IsPlatformStaff, IsTenantStaff


class AdminAPIView(APIView):
    authentication_classes = STAFF_AUTHENTICATION
    permission_classes = [IsTenantStaff]


class AdminViewSet(viewsets.ModelViewSet):
    authentication_classes = STAFF_AUTHENTICATION
    permission_classes = [IsTenantStaff]


class AdminReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    authentication_classes = STAFF_AUTHENTICATION
    permission_classes = [IsTenantStaff]


class PlatformAPIView(APIView):
    authentication_classes = STAFF_AUTHENTICATION
    permission_classes = [IsPlatformStaff]


class PlatformReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    authentication_classes = STAFF_AUTHENTICATION
    permission_classes = [IsPlatformStaff]
