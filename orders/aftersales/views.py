"""The investor's pages: their questions and complaints, a new one (from an order, a holding
or a product page), the conversation, reply, close and escalate; and the attachment download
every audience shares (each view scopes the request first)."""

from __future__ import annotations

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from marketplace.idempotency import ALREADY_USED, FIELD, MISSING, claim_form_token
from marketplace.permissions import form_errors_from

from . import selectors, services
from .forms import MessageForm, RequestForm
from .models import RequestKind, RequestMessage, ServiceRequest

PER_PAGE = 20
SENT = _("Sent to %(institution)s. They aim to answer by %(due)s.")
CLOSED = _("The request is closed.")
ESCALATED = _("Fortune Market's staff will look at this request.")


def attachment_response(message: RequestMessage) -> FileResponse:
    """A message's attachment as a download under a safe name, with the type found in its
    content (never shown inline)."""
    stem, ext = os.path.splitext(message.attachment_name)
    filename = f"{slugify(stem) or 'attachment'}{ext.lower() if ext.isascii() else ''}"
    return FileResponse(
        message.attachment.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=message.attachment_type,
    )


def _request_or_404(request, pk) -> ServiceRequest:
    try:
        return selectors.request_for_investor(investor=request.user, pk=pk)
    except ServiceRequest.DoesNotExist:
        raise Http404("No such request") from None


@login_required
def request_list(request):
    page = Paginator(selectors.requests_for_investor(investor=request.user), PER_PAGE)
    return render(
        request,
        "orders/aftersales/request_list.html",
        {"page": page.get_page(request.GET.get("page")), "now": timezone.now()},
    )


def _ids(data) -> dict:
    """The ``order`` / ``holding`` / ``product`` a new request is about, from the query or form."""
    about: dict = {}
    for name in ("order", "holding"):
        value = data.get(name, "")
        if value:
            about[f"{name}_id"] = int(value) if value.isdigit() and len(value) < 19 else -1
    if data.get("product"):
        about["product_slug"] = data["product"][:200]
    return about


def _about_or_none(request, data):
    try:
        return services.about_resolve(investor=request.user, **_ids(data))
    except ValidationError:
        return None


def _new_page(request, *, form, about, status=200):
    return render(
        request,
        "orders/aftersales/request_new.html",
        {"form": form, "about": about, "first_response_days": services.first_response_days()},
        status=status,
    )


@login_required
def request_new(request):
    """GET ``?order=`` / ``?holding=`` / ``?product=`` (and ``kind``) shows the form with
    what it is about; POST opens the request with its first message, at once."""
    if request.method != "POST":
        about = _about_or_none(request, request.GET)
        if about is None:
            raise Http404("Nothing to ask about")
        kind = request.GET.get("kind")
        form = RequestForm(
            initial={
                "kind": kind if kind in RequestKind.values else RequestKind.QUESTION,
                "order": about.order.pk if about.order else None,
                "holding": about.holding.pk if about.holding else None,
                "product": about.product.slug,
            }
        )
        return _new_page(request, form=form, about=about)
    form = RequestForm(request.POST, request.FILES)
    if form.is_valid():
        token = request.POST.get(FIELD)
        if claim_form_token(user_id=request.user.pk, token=token):
            data = form.cleaned_data
            try:
                created = services.request_open(
                    investor=request.user,
                    kind=data["kind"],
                    subject=data["subject"],
                    body=data["body"],
                    attachment=data.get("attachment"),
                    **_ids(request.POST),
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                due = timezone.localtime(created.first_response_due)
                messages.success(
                    request,
                    SENT
                    % {"institution": created.institution.name, "due": f"{due:%Y-%m-%d %H:%M}"},
                )
                return redirect("aftersales:detail", pk=created.pk)
        elif token:
            messages.info(request, ALREADY_USED)
            return redirect("aftersales:list")
        else:
            form.add_error(None, MISSING)
    return _new_page(request, form=form, about=_about_or_none(request, request.POST), status=400)


def _detail(request, service_request, *, form=None, status=200):
    return render(
        request,
        "orders/aftersales/request_detail.html",
        {
            "req": service_request,
            "conversation": selectors.conversation(request=service_request),
            "form": form or MessageForm(),
            "may_escalate": services.may_escalate(service_request),
            "late": service_request.is_late(),
        },
        status=status,
    )


@login_required
def request_detail(request, pk):
    return _detail(request, _request_or_404(request, pk))


@login_required
@require_POST
def request_reply(request, pk):
    service_request = _request_or_404(request, pk)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.request_reply_by_investor(
                request=service_request,
                investor=request.user,
                body=form.cleaned_data["body"],
                attachment=form.cleaned_data.get("attachment"),
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            return redirect("aftersales:detail", pk=pk)
    return _detail(request, service_request, form=form, status=400)


@login_required
@require_POST
def request_close(request, pk):
    service_request = _request_or_404(request, pk)
    try:
        services.request_close(request=service_request, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, CLOSED)
    return redirect("aftersales:detail", pk=pk)


@login_required
@require_POST
def request_escalate(request, pk):
    service_request = _request_or_404(request, pk)
    try:
        services.request_escalate(request=service_request, investor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, ESCALATED)
    return redirect("aftersales:detail", pk=pk)


@login_required
def attachment(request, pk, message_pk):
    try:
        message = selectors.message_with_attachment(
            requests=ServiceRequest.objects.filter(investor=request.user),
            pk=pk,
            message_pk=message_pk,
        )
    except RequestMessage.DoesNotExist:
        raise Http404("No such attachment") from None
    return attachment_response(message)
