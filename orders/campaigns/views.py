"""The investor's inbox, and the one-click unsubscribe link of offer e-mails."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from profiles.models import ConsentKind
from profiles.services import consent_set

from . import inbox, selectors
from .models import InboxMessage, MessageKind

PER_PAGE = 20
BAD_LINK = _("This unsubscribe link is not valid. You can turn offers off on your profile page.")


@login_required
def inbox_page(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in MessageKind.values else ""
    page = Paginator(selectors.inbox_for(user=request.user, kind=kind or None), PER_PAGE)
    return render(
        request,
        "orders/inbox.html",
        {
            "page": page.get_page(request.GET.get("page")),
            "kind": kind,
            "kinds": MessageKind.choices,
            "querystring": f"kind={kind}" if kind else "",
            "unread": selectors.unread_count(user=request.user),
        },
    )


@login_required
@require_POST
def message_read(request, pk):
    try:
        message = inbox.message_mark_read(user=request.user, message_id=pk)
    except InboxMessage.DoesNotExist:
        raise Http404 from None
    # "Open" follows the message's link once it is marked read; "mark read" stays on the inbox.
    if request.POST.get("open") and message.link.startswith("/"):
        return redirect(message.link)
    return redirect("campaigns:inbox")


@login_required
@require_POST
def messages_read_all(request):
    count = inbox.messages_mark_all_read(user=request.user)
    messages.success(request, _("%(count)d messages marked read.") % {"count": count})
    return redirect("campaigns:inbox")


@csrf_exempt  # the signed token is the credential; mail clients POST without a session
def unsubscribe(request, token):
    """GET shows what the link does (link scanners must not unsubscribe anyone); POST, from
    the page's button or a mail client's one-click (RFC 8058), turns offers off at once."""
    user_id = inbox.unsubscribe_user_id(token)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    if user is None:
        return render(request, "orders/unsubscribe.html", {"error": BAD_LINK}, status=400)
    done = request.method == "POST"
    if done:
        consent_set(user=user, kind=ConsentKind.MARKETING, granted=False)
    return render(request, "orders/unsubscribe.html", {"done": done, "email": user.email})
