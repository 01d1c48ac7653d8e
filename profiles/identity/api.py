"""The investor's identity API: GET the current state, POST a document for verification."""

from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.throttling import MoneyActionThrottle

from . import selectors, services
from .serializers import IdentityInputSerializer, IdentitySerializer

NOT_SUBMITTED = _("No identity has been submitted yet: POST one.")


@method_decorator(sensitive_post_parameters("document_number"), name="dispatch")
class MyIdentityAPI(APIView):
    """Real-name verification. Topping up and buying need a ``verified`` identity (they
    answer 400 ``{"identity": ["…"]}``, code identity_required, without one)."""

    throttle_classes = [MoneyActionThrottle]
    throttle_scope = "identity"

    @extend_schema(
        responses={
            200: IdentitySerializer,
            404: OpenApiResponse(
                response=inline_serializer(
                    "IdentityNotSubmitted", {"detail": serializers.CharField()}
                ),
                description="No identity submitted yet.",
            ),
        }
    )
    def get(self, request):
        identity = selectors.identity_of(user=request.user)
        if identity is None:
            return Response({"detail": NOT_SUBMITTED}, status=status.HTTP_404_NOT_FOUND)
        return Response(IdentitySerializer(identity).data)

    @extend_schema(
        request=IdentityInputSerializer,
        responses={201: IdentitySerializer},
        description="Check the document by its type's rules and verify it with the identity "
        "provider. 201 with the outcome (status verified, review or failed). 400 with the "
        "field at fault: a malformed number, a date of birth that does not match, under 18 "
        "(date_of_birth), a number already verified for another account (document_number), "
        "an identity already verified or being checked, or no provider configured "
        "(non_field_errors). Nothing is saved on a 400.",
    )
    def post(self, request):
        serializer = IdentityInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        identity = services.identity_submit(user=request.user, **serializer.validated_data)
        return Response(IdentitySerializer(identity).data, status=status.HTTP_201_CREATED)
