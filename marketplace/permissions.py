"""Access rules shared by every app's staff pages and APIs."""

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from rest_framework import permissions


class StaffRequiredMixin(AccessMixin):
    """Platform staff only. Others are sent to log in, or get a 404 (staff pages stay unlisted)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.is_staff:
            raise Http404("Not found")
        return super().dispatch(request, *args, **kwargs)


class IsPlatformStaff(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)


def form_errors_from(form, exc) -> None:
    """Copy a service's ValidationError (or PermissionDenied) onto a form: field errors where
    the field exists, the rest as form errors."""
    if not isinstance(exc, ValidationError):
        form.add_error(None, str(exc))
    elif hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
