"""The tenant portal (/portal/): dashboard, choosing an institution, members and invitations."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from marketplace.permissions import form_errors_from

from . import branding, selectors
from .forms import InvitationForm, LogoForm, RoleForm
from .models import Invitation, Membership, Role
from .services import members
from .tenancy import PortalMixin, remember_choice


class DashboardView(PortalMixin, TemplateView):
    template_name = "portal/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        institution = self.request.institution
        context["members"] = selectors.member_list_for_institution(institution=institution)
        context["history"] = selectors.institution_history(institution=institution)[:5]
        return context


class LogoView(PortalMixin, TemplateView):
    """The institution's logo on its storefront: upload or replace it (admins and editors)."""

    template_name = "portal/logo.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", LogoForm())
        context["may_edit"] = self.request.membership.has_role(self.write_role)
        return context

    def post(self, request):
        form = LogoForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                branding.logo_set(
                    institution=request.institution,
                    actor=request.user,
                    file=form.cleaned_data["logo"],
                )
            except (ValidationError, PermissionDenied) as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("The new logo is on your public page."))
                return redirect("portal:logo")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class LogoRemoveView(PortalMixin, View):
    def post(self, request):
        try:
            branding.logo_remove(institution=request.institution, actor=request.user)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Logo removed; your public page shows your initial."))
        return redirect("portal:logo")


class ChooseInstitutionView(LoginRequiredMixin, View):
    """A member of several institutions picks the one the portal acts for."""

    def get(self, request):
        memberships = selectors.memberships_for_user(user=request.user)
        if not memberships:
            raise Http404("No institution")
        return render(
            request,
            "portal/choose.html",
            {"memberships": memberships, "next": request.GET.get("next", "")},
        )

    def post(self, request):
        membership = get_object_or_404(
            selectors.memberships_for_user(user=request.user),
            institution__slug=request.POST.get("institution", ""),
        )
        remember_choice(request, membership)
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = "/portal/"
        return redirect(next_url or "/portal/")


class MembersView(PortalMixin, TemplateView):
    """Members and open invitations; admins invite people here."""

    template_name = "portal/members.html"
    write_role = Role.ADMIN

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        institution = self.request.institution
        context["members"] = self.scope(Membership.objects.select_related("user"))
        context["invitations"] = selectors.invitation_list_for_institution(institution=institution)
        context.setdefault("form", InvitationForm())
        context["role_choices"] = Role.choices
        return context

    def post(self, request):
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation = members.invitation_create(
                    institution=request.institution, invited_by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
                )
                return redirect("portal:members")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class _MemberActionView(PortalMixin, View):
    write_role = Role.ADMIN
    tenant_model = Membership  # what the URL's pk names (the tenant-isolation test reads it)

    def get_membership(self, pk: int) -> Membership:
        return get_object_or_404(self.scope(Membership.objects.select_related("user")), pk=pk)

    def run(self, call) -> None:
        try:
            call()
        except (ValidationError, PermissionDenied) as exc:
            messages.error(self.request, " ".join(getattr(exc, "messages", [str(exc)])))


class MemberRoleView(_MemberActionView):
    def post(self, request, pk):
        membership = self.get_membership(pk)
        form = RoleForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a role: admin, editor or analyst."))
            return redirect("portal:members")
        role = form.cleaned_data["role"]

        def change():
            members.membership_change_role(membership=membership, role=role, actor=request.user)
            messages.success(
                request,
                _("%(email)s is now %(role)s.")
                % {"email": membership.user.email, "role": str(Role(role).label).lower()},
            )

        self.run(change)
        return redirect("portal:members")


class MemberRemoveView(_MemberActionView):
    def post(self, request, pk):
        membership = self.get_membership(pk)

        def remove():
            members.membership_remove(membership=membership, actor=request.user)
            messages.success(
                request, _("%(email)s was removed.") % {"email": membership.user.email}
            )

        self.run(remove)
        return redirect("portal:members")


class InvitationRevokeView(_MemberActionView):
    tenant_model = Invitation

    def post(self, request, pk):
        invitation = get_object_or_404(self.scope(Invitation.objects.all()), pk=pk)

        def revoke():
            members.invitation_revoke(invitation=invitation, actor=request.user)
            messages.success(
                request, _("Invitation to %(email)s withdrawn.") % {"email": invitation.email}
            )

        self.run(revoke)
        return redirect("portal:members")
