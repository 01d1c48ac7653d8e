"""The trade PIN in the API: the ``X-Trade-PIN`` header every money-moving operation requires
(declared once here, :data:`TRADE_PIN_PARAMETER`, with its error answers
:data:`TRADE_PIN_RESPONSES`), the one helper that checks it (:func:`trade_confirm_request`),
and ``GET/POST /api/v1/me/pin/`` to see and set the PIN.

Refusals: 400 ``trade_pin_required`` (no header) or ``trade_pin_invalid`` (not six digits);
403 ``trade_pin_wrong`` (with ``attempts_left``) or ``trade_pin_not_set`` (with ``set_url``);
423 ``trade_pin_locked`` (with ``locked_until``). The body is DRF's ``{"trade_pin":
["message"]}`` plus ``code`` and those fields.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.throttling import MoneyActionThrottle

from . import selectors, services

HEADER = "X-Trade-PIN"
META_KEY = "HTTP_X_TRADE_PIN"
SET_URL = "/me/security/"

TRADE_PIN_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    required=True,
    description=(
        "Confirms the movement of money: the investor's six-digit trade PIN, or a current "
        "TOTP code where the investor has TOTP on. Five wrong answers in a row lock it for 30 "
        "minutes (423). Set it with POST /api/v1/me/pin/ after identity verification."
    ),
    pattern=r"^[0-9]{6}$",
)

STATUS_OF = {
    services.PIN_REQUIRED: status.HTTP_400_BAD_REQUEST,
    services.PIN_INVALID: status.HTTP_400_BAD_REQUEST,
    services.PIN_WRONG: status.HTTP_403_FORBIDDEN,
    services.PIN_NOT_SET: status.HTTP_403_FORBIDDEN,
    services.PIN_LOCKED: 423,
}


ERROR_CODES = sorted(STATUS_OF)
PIN_STATES = ["not_set", "set", "locked"]


class TradePinErrorSerializer(serializers.Serializer):
    trade_pin = serializers.ListField(child=serializers.CharField())
    code = serializers.ChoiceField(choices=ERROR_CODES)
    attempts_left = serializers.IntegerField(required=False, min_value=0, max_value=4)
    locked_until = serializers.DateTimeField(required=False)
    set_url = serializers.CharField(required=False)


class TradePinRefused(APIException):
    """A refused confirmation, answered with its own status and a body that keeps numbers."""

    def __init__(self, *, code: str, message: str, extra: dict):
        super().__init__()
        self.status_code = STATUS_OF[code]
        self.detail = {"trade_pin": [message], "code": code, **extra}


TRADE_PIN_RESPONSES = {
    403: OpenApiResponse(
        response=TradePinErrorSerializer,
        description="Not confirmed: the trade PIN (or TOTP code) is wrong "
        "(``trade_pin_wrong``, with ``attempts_left``), or no PIN is set yet "
        "(``trade_pin_not_set``, with ``set_url``); or signed in but not allowed.",
    ),
    423: OpenApiResponse(
        response=TradePinErrorSerializer,
        description="The trade PIN is locked after five wrong answers (``trade_pin_locked``, "
        "with ``locked_until``); nothing was done.",
    ),
}


def trade_confirm_request(request) -> None:
    """Check the request's ``X-Trade-PIN`` header (services.trade_confirm); raise the API's
    refusal. Call it after the body is validated and before anything is written."""
    try:
        services.trade_confirm(user=request.user, pin=request.META.get(META_KEY))
    except ValidationError as exc:
        error = exc.error_dict[services.FIELD][0]
        extra = {}
        if error.code == services.PIN_WRONG:
            extra["attempts_left"] = error.params["attempts_left"]
        elif error.code == services.PIN_LOCKED:
            extra["locked_until"] = error.params["locked_until"]
        elif error.code == services.PIN_NOT_SET:
            extra["set_url"] = SET_URL
        raise TradePinRefused(code=error.code, message=error.messages[0], extra=extra) from exc


# --- /api/v1/me/pin/ -------------------------------------------------------------------------


class PinStatusSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=PIN_STATES)
    locked_until = serializers.DateTimeField(allow_null=True)
    attempts_left = serializers.IntegerField(min_value=0)
    totp_alternative = serializers.BooleanField()


class PinInputSerializer(serializers.Serializer):
    pin = serializers.RegexField(r"^[0-9]{6}$", max_length=6)
    current_pin = serializers.RegexField(
        r"^[0-9]{6}$",
        max_length=6,
        required=False,
        help_text="Required to change a PIN that is set.",
    )


def _status_body(user) -> dict:
    pin = selectors.trade_pin_status(user=user)
    return {
        "state": pin.state,
        "locked_until": pin.locked_until,
        "attempts_left": pin.attempts_left,
        "totp_alternative": selectors.totp_active(user=user),
    }


class MyPinAPI(APIView):
    """The trade PIN: GET its state; POST ``{"pin"}`` sets the first one (after identity
    verification; six digits, not trivial, not the login password), ``{"pin",
    "current_pin"}`` changes it. Resetting a forgotten PIN is on the security page (it needs
    the login password and the e-mail)."""

    throttle_classes = [MoneyActionThrottle]
    throttle_scope = "trade_pin"

    @extend_schema(responses=PinStatusSerializer)
    def get(self, request):
        return Response(PinStatusSerializer(_status_body(request.user)).data)

    @extend_schema(
        request=PinInputSerializer,
        responses={200: PinStatusSerializer, 423: TRADE_PIN_RESPONSES[423]},
    )
    def post(self, request):
        data = PinInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pin, current = data.validated_data["pin"], data.validated_data.get("current_pin")
        try:
            if current is None:
                services.trade_pin_set(user=request.user, pin=pin)
            else:
                services.trade_pin_change(user=request.user, current_pin=current, new_pin=pin)
        except ValidationError as exc:
            field, errors = next(iter(exc.error_dict.items()))
            field = {"new_pin": "pin"}.get(field, field)
            body = {field: [m for e in errors for m in e.messages], "code": errors[0].code}
            code = 423 if errors[0].code == services.PIN_LOCKED else 400
            return Response(body, status=code)
        return Response(PinStatusSerializer(_status_body(request.user)).data)
