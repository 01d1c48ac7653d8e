"""Portal pages: the institution's questions and complaints (never another institution's:
every query goes through the tenant scope), the conversation, answer and close. Analysts
read; editors and admins answer (the portal's role rules)."""

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

from institutions.tenancy import PortalMixin
from marketplace.permissions import form_errors_from

from . import selectors, services
from .forms import MessageForm
from .models import RequestKind, RequestMessage, RequestStatus, ServiceRequest
from .views import attachment_response

ANSWERED = _("Your answer was sent; the investor is told in their inbox and by e-mail.")
CLOSED = _("The request is closed.")


class _RequestScope(PortalMixin):
    tenant_model = ServiceRequest
    queryset = ServiceRequest.objects.all()

    def get_request(self, pk) -> ServiceRequest:
        return get_object_or_404(
            self.scope(ServiceRequest.objects.select_related("product", "order", "holding")),
            pk=pk,
        )


class RequestsView(_RequestScope, TemplateView):
    """Filters ``status``, ``kind``, ``late``; a bad value is a 400 with its message."""

    template_name = "portal/aftersales/requests.html"
    page_size = 30

    def get(self, request, *args, **kwargs):
        requests = selectors.requests_for_institution(institution=request.institution)
        filterset = selectors.RequestFilter(request.GET, queryset=requests)
        status = 200
        if filterset.is_valid():
            requests = filterset.qs
        else:
            requests, status = requests.none(), 400
        page = Paginator(requests, self.page_size).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = self.get_context_data(
            page=page,
            filter_errors=filterset.errors,
            filters=request.GET,
            statuses=RequestStatus.choices,
            kinds=RequestKind.choices,
            querystring=query.urlencode(),
            now=timezone.now(),
            first_response_days=services.first_response_days(),
        )
        return self.render_to_response(context, status=status)


class RequestDetailView(_RequestScope, TemplateView):
    template_name = "portal/aftersales/request_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        req = kwargs.get("req") or self.get_request(self.kwargs["pk"])
        context.update(
            req=req,
            conversation=selectors.conversation(request=req),
            form=kwargs.get("form") or MessageForm(),
            may_write=self.request.membership.has_role(self.write_role),
            late=req.is_late(),
        )
        return context


class RequestAnswerView(RequestDetailView):
    """POST only: the answer form on the request's page."""

    http_method_names = ["post"]

    def post(self, request, pk):
        req = self.get_request(pk)
        form = MessageForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.request_answer(
                    request=req,
                    member=request.user,
                    body=form.cleaned_data["body"],
                    attachment=form.cleaned_data.get("attachment"),
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, ANSWERED)
                return redirect("portal_aftersales:detail", pk=pk)
        context = self.get_context_data(req=req, form=form)
        return self.render_to_response(context, status=400)


class RequestCloseView(_RequestScope, View):
    def post(self, request, pk):
        req = self.get_request(pk)
        try:
            services.request_close(request=req, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, CLOSED)
        return redirect("portal_aftersales:detail", pk=pk)


class AttachmentView(_RequestScope, View):
    def get(self, request, pk, message_pk):
        try:
            message = selectors.message_with_attachment(
                requests=self.scope(ServiceRequest.objects.all()), pk=pk, message_pk=message_pk
            )
        except RequestMessage.DoesNotExist:
            raise Http404("No such attachment") from None
        return attachment_response(message)
