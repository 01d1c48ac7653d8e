"""The investor's notification preferences page, /me/notifications/."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from marketplace.permissions import form_errors_from

from . import notices
from .models import Topic
from .notice_forms import NotificationPreferencesForm

SAVED = _("Your notification preferences are saved.")


@login_required
def notification_preferences(request):
    """GET shows which notices come by e-mail; POST saves the optional ones (every notice
    still arrives in the inbox)."""
    status = 200
    if request.method == "POST":
        form = NotificationPreferencesForm(request.POST)
        if form.is_valid():
            try:
                notices.preferences_update(user=request.user, email=form.cleaned_data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, SAVED)
                return redirect("campaigns:notifications")
        status = 400
    else:
        form = NotificationPreferencesForm(initial=notices.preferences_of(user=request.user))
    always = [(Topic(t).label, notices.WHY_ALWAYS[t]) for t in notices.ALWAYS_EMAILED]
    return render(
        request, "orders/notifications.html", {"form": form, "always": always}, status=status
    )
