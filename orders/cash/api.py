"""The investor's bank cards: ``/api/v1/me/cards/`` (list, bind),
``/api/v1/me/cards/{id}/default/`` and ``/api/v1/me/cards/{id}/unbind/``. Another investor's
card, or an unbound one, is a 404."""

from __future__ import annotations

from django.http import Http404
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.throttling import MoneyActionThrottle

from . import selectors, services
from .serializers import BankCardSerializer, CardBindInputSerializer


@method_decorator(sensitive_post_parameters("card_number"), name="dispatch")
class MyCardsAPI(APIView):
    """GET: your bound cards, the default first. POST ``{"card_number"}`` binds a debit card in
    your verified legal name through the payment gateway (201 with the card: its last four
    digits only). Refusals are a 400: ``card_number`` for a number that is malformed, fails
    its check digit, is unknown to the bank, is in another name, is a credit card, or is bound
    already; ``non_field_errors`` when your identity is not verified yet or the bank cannot be
    reached. The first card bound becomes the default."""

    throttle_classes = [MoneyActionThrottle]
    throttle_scope = "card_binds"

    @extend_schema(responses=BankCardSerializer(many=True))
    def get(self, request):
        return Response(BankCardSerializer(selectors.cards_for(user=request.user), many=True).data)

    @extend_schema(request=CardBindInputSerializer, responses={201: BankCardSerializer})
    def post(self, request):
        serializer = CardBindInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        card = services.card_bind(
            user=request.user, card_number=serializer.validated_data["card_number"]
        )
        return Response(BankCardSerializer(card).data, status=status.HTTP_201_CREATED)


def _card_or_404(request, pk):
    card = selectors.card_for(user=request.user, pk=pk)
    if card is None:
        raise Http404
    return card


class CardDefaultAPI(APIView):
    """Make this bound card your default (the one the pages preselect)."""

    @extend_schema(request=None, responses={200: BankCardSerializer})
    def post(self, request, pk):
        card = services.card_set_default(user=request.user, card=_card_or_404(request, pk))
        return Response(BankCardSerializer(card).data)


class CardUnbindAPI(APIView):
    """Unbind this card (200 with it, ``status`` ``unbound``); its past payments keep showing
    it. A 400 on ``non_field_errors`` while a withdrawal to it or a top-up from it is pending.
    Unbinding the default makes the most recently bound other card the default."""

    @extend_schema(request=None, responses={200: BankCardSerializer})
    def post(self, request, pk):
        card = services.card_unbind(user=request.user, card=_card_or_404(request, pk))
        return Response(BankCardSerializer(card).data)
