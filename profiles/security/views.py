"""The security page (/me/security/): the trade PIN (set, change, reset through an e-mailed
link), TOTP status, and the signed-in sessions with per-session and everywhere sign-out."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from marketplace.permissions import form_errors_from
from profiles.identity.selectors import identity_of, verified_identity

from . import selectors, services
from .forms import PinChangeForm, PinResetRequestForm, PinSetForm, SessionEndForm

TEMPLATE = "profiles/security/index.html"


def _page(request, *, status=200, **forms):
    user = request.user
    totp = selectors.totp_active(user=user)
    context = {
        "pin": selectors.trade_pin_status(user=user),
        "identity_verified": verified_identity(user=user) is not None,
        "submitted_identity": identity_of(user=user),
        "totp": totp,
        "sessions": selectors.sessions_for(user=user, current_key=request.session.session_key),
        "set_form": forms.get("set_form") or PinSetForm(),
        "change_form": forms.get("change_form") or PinChangeForm(),
        "reset_form": forms.get("reset_form") or PinResetRequestForm(totp=totp),
        "open_form": next(iter(forms), ""),
    }
    return render(request, TEMPLATE, context, status=status)


def _apply(request, form, form_name: str, action, success: str):
    """Validate, call the service, redirect with a message; or the page with the errors."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, success)
            return redirect("security:index")
    return _page(request, status=400, **{form_name: form})


class SecurityView(LoginRequiredMixin, View):
    def get(self, request):
        return _page(request)


class PinSetView(LoginRequiredMixin, View):
    def post(self, request):
        return _apply(
            request,
            PinSetForm(request.POST),
            "set_form",
            lambda data: services.trade_pin_set(user=request.user, pin=data["pin"]),
            _("Your trade PIN is set: purchases, sells and withdrawals ask for it."),
        )


class PinChangeView(LoginRequiredMixin, View):
    def post(self, request):
        return _apply(
            request,
            PinChangeForm(request.POST),
            "change_form",
            lambda data: services.trade_pin_change(
                user=request.user, current_pin=data["current_pin"], new_pin=data["new_pin"]
            ),
            _("Your trade PIN is changed."),
        )


class PinResetRequestView(LoginRequiredMixin, View):
    def post(self, request):
        totp = selectors.totp_active(user=request.user)
        return _apply(
            request,
            PinResetRequestForm(request.POST, totp=totp),
            "reset_form",
            lambda data: services.trade_pin_reset_request(
                user=request.user, password=data["password"], totp_code=data.get("totp_code", "")
            ),
            _(
                "We e-mailed a link to %(email)s: open it within 30 minutes to choose a new "
                "trade PIN."
            )
            % {"email": request.user.email},
        )


class PinResetLinkView(LoginRequiredMixin, View):
    """The e-mailed link: choose a new PIN. Opening it changes nothing (mail scanners open
    links); the POST uses it up."""

    template = "profiles/security/reset.html"

    def _render(self, request, token, form, status=200):
        valid = services.reset_record(user=request.user, token=token) is not None
        return render(
            request,
            self.template,
            {
                "form": form,
                "valid": valid,
                "message": services.MESSAGES[services.RESET_LINK_INVALID],
            },
            status=status if valid else 400,
        )

    def get(self, request, token):
        return self._render(request, token, PinSetForm())

    def post(self, request, token):
        form = PinSetForm(request.POST)
        if form.is_valid():
            try:
                services.trade_pin_reset_complete(
                    user=request.user, token=token, pin=form.cleaned_data["pin"]
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("Your new trade PIN is set and the lock is lifted."))
                return redirect("security:index")
        return self._render(request, token, form, status=400)


class SessionEndView(LoginRequiredMixin, View):
    """Sign out one session (``session``) or every session, this one included (``everywhere``)."""

    def post(self, request):
        form = SessionEndForm(request.POST)
        if not form.is_valid() or not (
            form.cleaned_data["everywhere"] or form.cleaned_data["session"]
        ):
            messages.error(request, _("Choose a session to sign out."))
            return redirect("security:index")
        everywhere = form.cleaned_data["everywhere"]
        ended_current = services.sessions_end(
            user=request.user,
            current_key=request.session.session_key,
            session_ids=None if everywhere else [form.cleaned_data["session"]],
        )
        if ended_current:
            logout(request)
            messages.success(request, _("You are signed out on every device."))
            return redirect("account_login")
        messages.success(request, _("That session is signed out."))
        return redirect("security:index")
