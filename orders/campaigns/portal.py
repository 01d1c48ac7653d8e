"""Portal pages of campaigns: list, create and edit a draft, preview its reach, launch,
pause, resume or cancel it, and its results. Admins and editors change; analysts look."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from institutions.models import InstitutionStatus, Role
from institutions.tenancy import PortalMixin
from marketplace.permissions import form_errors_from
from products.charts import line_chart
from products.models import Product, ProductStatus

from ..coupons.models import Coupon, CouponStatus
from . import selectors, services
from .forms import CampaignForm
from .models import Campaign, CampaignStatus

ACTIONS = {
    "launch": (services.campaign_launch, _("Launched.")),
    "pause": (services.campaign_pause, _("Paused.")),
    "resume": (services.campaign_resume, _("Resumed.")),
    "cancel": (services.campaign_cancel, _("Cancelled.")),
}


def can_write(request) -> bool:
    """May this member change campaigns here (an editor or admin of an approved institution)?"""
    return (
        request.membership.has_role(Role.EDITOR)
        and request.institution.status == InstitutionStatus.APPROVED
    )


class CampaignPortalMixin(PortalMixin):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_write"] = can_write(self.request)
        return context


def institution_products(institution):
    return Product.objects.filter(institution=institution).exclude(status=ProductStatus.CLOSED)


def institution_coupons(institution):
    return Coupon.objects.filter(institution=institution, status=CouponStatus.ACTIVE)


class CampaignListView(CampaignPortalMixin, TemplateView):
    template_name = "portal/campaigns/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaigns = selectors.campaign_list_for_institution(institution=self.request.institution)
        context.update(
            campaigns=campaigns[:200],
            offers_per_week=settings.OFFERS_PER_WEEK,
            offers_per_institution=settings.OFFERS_PER_INSTITUTION_PER_WEEK,
        )
        return context


class CampaignEditView(PortalMixin, View):
    """New draft (no ``pk``) or a draft's changes."""

    tenant_model = Campaign
    template = "portal/campaigns/form.html"

    def campaign(self, pk) -> Campaign | None:
        if pk is None:
            return None
        return get_object_or_404(self.scope(Campaign.objects.all()), pk=pk)

    def render_form(self, request, form, campaign, status=200):
        return render(
            request,
            self.template,
            {
                "form": form,
                "campaign": campaign,
                "institution": request.institution,
                "membership": request.membership,
                "can_write": can_write(request),
            },
            status=status,
        )

    def get(self, request, pk=None):
        campaign = self.campaign(pk)
        initial = CampaignForm.initial_for(campaign) if campaign else {}
        form = CampaignForm(
            initial=initial,
            products=institution_products(request.institution),
            coupons=institution_coupons(request.institution),
        )
        return self.render_form(request, form, campaign)

    def post(self, request, pk=None):
        campaign = self.campaign(pk)
        form = CampaignForm(
            request.POST,
            products=institution_products(request.institution),
            coupons=institution_coupons(request.institution),
        )
        if form.is_valid():
            try:
                campaign = services.campaign_save(
                    institution=request.institution,
                    actor=request.user,
                    campaign=campaign,
                    **form.service_fields(),
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("Draft saved."))
                return redirect("portal_campaigns:detail", pk=campaign.pk)
        return self.render_form(request, form, campaign, status=400)


class CampaignDetailView(CampaignPortalMixin, TemplateView):
    """One campaign: what it says and to whom, its marketing check and preview count while a
    draft (``?preview=1`` counts), its history and results."""

    template_name = "portal/campaigns/detail.html"
    tenant_model = Campaign

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = get_object_or_404(
            self.scope(Campaign.objects.select_related("product", "holders_of", "created_by")),
            pk=self.kwargs["pk"],
        )
        results = selectors.campaign_results(campaign=campaign)
        preview = None
        if campaign.status == CampaignStatus.DRAFT and self.request.GET.get("preview"):
            preview = selectors.campaign_preview(campaign=campaign)
        context.update(
            campaign=campaign,
            problems=services.marketing_problems(campaign) if campaign.is_draft else [],
            preview=preview,
            results=results,
            sent_chart=line_chart(results.sent_by_day, height=160),
            opened_chart=line_chart(results.opened_by_day, height=160),
            events=campaign.events.select_related("actor"),
        )
        return context


class CampaignActionView(PortalMixin, View):
    tenant_model = Campaign

    def post(self, request, pk, action):
        campaign = get_object_or_404(self.scope(Campaign.objects.all()), pk=pk)
        if action not in ACTIONS:
            raise Http404("Unknown action")
        service, done = ACTIONS[action]
        try:
            service(campaign=campaign, actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, done)
        return redirect("portal_campaigns:detail", pk=campaign.pk)
