"""Public pages: apply to sell on Fortune Market, institution pages, invitation links."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from marketplace.accounts import EMAIL_NOT_VERIFIED, email_verified
from marketplace.permissions import form_errors_from

from . import branding, selectors
from .forms import InstitutionApplicationForm
from .models import Institution, Invitation
from .services import applications, members
from .tenancy import remember_choice


class ApplyView(FormView):
    """'List your products on Fortune Market': the application form."""

    template_name = "institutions/apply.html"
    form_class = InstitutionApplicationForm

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST":
            if not request.user.is_authenticated:
                return redirect(f"/accounts/login/?next={request.path}")
            if not email_verified(request.user):
                messages.error(request, EMAIL_NOT_VERIFIED)
                return redirect("account_email")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_apply"] = email_verified(self.request.user)
        if self.request.user.is_authenticated:
            context["my_applications"] = self.request.user.institution_applications.all()
        return context

    def get_initial(self):
        if self.request.user.is_authenticated:
            return {"contact_email": self.request.user.email}
        return {}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            institution = applications.institution_apply(applicant=self.request.user, **data)
        except ValidationError as exc:
            form_errors_from(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Thank you. We received the application for %(name)s and will e-mail "
                "%(email)s when staff have reviewed it."
            )
            % {"name": institution.name, "email": institution.contact_email},
        )
        return redirect("institutions:apply")


class InvitationView(LoginRequiredMixin, View):
    """Shows an invitation to its addressee and lets them accept it."""

    template_name = "institutions/invitation.html"

    def get(self, request, token):
        invitation = get_object_or_404(
            Invitation.objects.select_related("institution", "invited_by"), token=token
        )
        return render(request, self.template_name, {"invitation": invitation})

    def post(self, request, token):
        invitation = get_object_or_404(
            Invitation.objects.select_related("institution"), token=token
        )
        try:
            membership = members.invitation_accept(token=token, user=request.user)
        except ValidationError as exc:
            return render(
                request,
                self.template_name,
                {"invitation": invitation, "errors": exc.messages},
                status=400,
            )
        messages.success(
            request,
            _("Welcome to %(name)s: you joined as %(role)s.")
            % {"name": membership.institution.name, "role": membership.get_role_display().lower()},
        )
        remember_choice(request, membership)
        return redirect("portal:dashboard")


def institution_list(request):
    return render(
        request,
        "institutions/list.html",
        {"institutions": selectors.institution_public_list().order_by("name")},
    )


def logo_file(request, name):
    """An institution's current logo (under MEDIA_URL, in every environment): only files that
    are some institution's logo right now, never any other upload. Names are random, so a new
    logo is a new URL and the old one may be cached for ever."""
    stored = f"{branding.LOGO_FOLDER}/{name}"
    if not selectors.is_current_logo(name=stored):
        raise Http404("No such logo")
    field = Institution._meta.get_field("logo")
    try:
        handle = field.storage.open(stored, "rb")
    except FileNotFoundError as exc:
        raise Http404("No such logo") from exc
    response = FileResponse(handle, content_type=branding.logo_content_type(stored))
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
