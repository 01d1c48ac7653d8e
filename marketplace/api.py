"""API plumbing shared by every app: the error shape of DESIGN §7."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.exceptions import ErrorDetail
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """Turn a service's Django ValidationError into DRF's ``{"field": ["message"]}`` with 400
    (each message keeps the service's code, as ``ErrorDetail.code``)."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {field: _details(errors) for field, errors in exc.error_dict.items()}
            detail = {("non_field_errors" if k == "__all__" else k): v for k, v in detail.items()}
        else:
            detail = {"non_field_errors": _details(exc.error_list)}
        exc = exceptions.ValidationError(detail)
    return drf_exception_handler(exc, context)


def _details(errors) -> list[ErrorDetail]:
    return [ErrorDetail(m, code=e.code or "invalid") for e in errors for m in e.messages]


class StandardPagination(PageNumberPagination):
    """``{"count", "next", "previous", "results"}``; ``?page_size=`` up to 100."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
