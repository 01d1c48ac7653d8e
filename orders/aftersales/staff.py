"""Staff pages: late (no first response by the due time) and escalated requests across
institutions, each with its conversation, where staff may add an answer of their own."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from marketplace.permissions import StaffRequiredMixin, form_errors_from

from . import selectors, services
from .forms import StaffNoteForm
from .models import RequestMessage, ServiceRequest
from .views import attachment_response

NOTE_SENT = _("Your answer was added; the investor and the institution see it.")


class RequestsView(StaffRequiredMixin, TemplateView):
    template_name = "staff/aftersales/requests.html"
    page_size = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(selectors.requests_for_staff(), self.page_size)
        context.update(
            page=page.get_page(self.request.GET.get("page")),
            figures=selectors.service_figures_by_institution(),
            now=timezone.now(),
        )
        return context


class RequestDetailView(StaffRequiredMixin, TemplateView):
    template_name = "staff/aftersales/request_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        req = get_object_or_404(
            ServiceRequest.objects.select_related("institution", "product", "order", "holding"),
            pk=self.kwargs["pk"],
        )
        context.update(
            req=req,
            conversation=selectors.conversation(request=req),
            form=kwargs.get("form") or StaffNoteForm(),
            late=req.is_late(),
        )
        return context


class RequestNoteView(RequestDetailView):
    http_method_names = ["post"]

    def post(self, request, pk):
        req = get_object_or_404(ServiceRequest, pk=pk)
        form = StaffNoteForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.request_answer(
                    request=req,
                    member=request.user,
                    body=form.cleaned_data["body"],
                    attachment=form.cleaned_data.get("attachment"),
                    staff=True,
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, NOTE_SENT)
                return redirect("staff_aftersales:detail", pk=pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class AttachmentView(StaffRequiredMixin, View):
    def get(self, request, pk, message_pk):
        try:
            message = selectors.message_with_attachment(
                requests=ServiceRequest.objects.all(), pk=pk, message_pk=message_pk
            )
        except RequestMessage.DoesNotExist:
            raise Http404("No such attachment") from None
        return attachment_response(message)
