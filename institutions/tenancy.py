"""Tenant scoping: the one mechanism every portal page and portal API endpoint goes through.

A portal request resolves ``request.institution`` (and ``request.membership``) from the
signed-in member's memberships; a member of several institutions picks one, remembered in the
session (API clients may name it in the ``X-Institution`` header). Every query of a portal
view goes through :meth:`TenantScopeMixin.scope`, so an object of another institution is
simply not found: a 404, never a 403 that would confirm it exists.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions
from rest_framework.exceptions import NotFound

from marketplace.accounts import EMAIL_NOT_VERIFIED, email_verified

from .models import InstitutionStatus, Membership, Role
from .selectors import memberships_for_user

SESSION_KEY = "portal_institution_id"
HEADER = "HTTP_X_INSTITUTION"
SUSPENDED_READ_ONLY = _(
    "%(name)s is suspended: you can look around, but nothing can be changed until staff "
    "reinstate it."
)
ROLE_TOO_LOW = _("Your role (%(role)s) cannot do this; ask an admin of %(name)s.")
NOT_A_MEMBER = _("You are not a member of an institution.")
NAME_THE_INSTITUTION = _(
    "You belong to several institutions: name one in the X-Institution header."
)


class MustChooseInstitutionError(Exception):
    """The member belongs to several institutions and has not picked one."""


def resolve_membership(request: HttpRequest) -> Membership:
    """The membership this portal request acts through; raises Http404 when there is none."""
    memberships = list(memberships_for_user(user=request.user))
    request.portal_membership_count = len(memberships)
    if not memberships:
        raise Http404("No institution")
    wanted_slug = request.META.get(HEADER)
    if wanted_slug:
        for membership in memberships:
            if membership.institution.slug == wanted_slug:
                return membership
        raise Http404("No such institution")
    chosen = request.session.get(SESSION_KEY)
    for membership in memberships:
        if membership.institution_id == chosen:
            return membership
    if len(memberships) == 1:
        return memberships[0]
    raise MustChooseInstitutionError


def remember_choice(request: HttpRequest, membership: Membership) -> None:
    request.session[SESSION_KEY] = membership.institution_id


def check_may_act(membership: Membership, *, method: str, read_role: str, write_role: str) -> None:
    """Raise PermissionDenied when this member may not do ``method`` here."""
    institution = membership.institution
    writing = method not in ("GET", "HEAD", "OPTIONS")
    role = write_role if writing else read_role
    if not membership.has_role(role):
        raise PermissionDenied(
            ROLE_TOO_LOW % {"role": membership.get_role_display(), "name": institution.name}
        )
    if writing and institution.status != InstitutionStatus.APPROVED:
        raise PermissionDenied(SUSPENDED_READ_ONLY % {"name": institution.name})


class TenantScopeMixin:
    """Scopes every queryset to ``request.institution`` through ``tenant_field``."""

    tenant_field = "institution"

    def scope(self, queryset: QuerySet) -> QuerySet:
        return queryset.filter(**{self.tenant_field: self.request.institution})

    def get_queryset(self):  # generic views, DRF views, and plain views that set ``queryset``
        parent = getattr(super(), "get_queryset", None)
        return self.scope(parent() if parent else self.queryset.all())


class PortalMixin(TenantScopeMixin, AccessMixin):
    """Base of every HTML portal view. ``read_role`` to look, ``write_role`` to change."""

    read_role = Role.ANALYST
    write_role = Role.EDITOR

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not email_verified(request.user):
            messages.error(request, EMAIL_NOT_VERIFIED)
            return redirect("account_email")
        try:
            membership = resolve_membership(request)
        except MustChooseInstitutionError:
            return redirect(
                f"{reverse('portal:choose')}?{urlencode({'next': request.get_full_path()})}"
            )
        request.membership = membership
        request.institution = membership.institution
        try:
            check_may_act(
                membership,
                method=request.method,
                read_role=self.read_role,
                write_role=self.write_role,
            )
        except PermissionDenied as exc:
            if request.method == "GET":
                raise
            messages.error(request, str(exc))
            return redirect(request.path)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["institution"] = self.request.institution
        context["membership"] = self.request.membership
        return context


class IsInstitutionMember(permissions.BasePermission):
    """DRF: resolves the tenant like :class:`PortalMixin`; no membership is a 404."""

    message = NOT_A_MEMBER

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if not email_verified(request.user):
            self.message = EMAIL_NOT_VERIFIED
            return False
        try:
            membership = resolve_membership(request._request)
        except Http404 as exc:
            raise NotFound() from exc
        except MustChooseInstitutionError as exc:
            raise NotFound(NAME_THE_INSTITUTION) from exc
        request.membership = request._request.membership = membership
        request.institution = request._request.institution = membership.institution
        try:
            check_may_act(
                membership,
                method=request.method,
                read_role=getattr(view, "read_role", Role.ANALYST),
                write_role=getattr(view, "write_role", Role.EDITOR),
            )
        except PermissionDenied as exc:
            self.message = str(exc)
            return False
        return True


class PortalAPIMixin(TenantScopeMixin):
    """Base of every portal API view."""

    permission_classes = [IsInstitutionMember]
    read_role = Role.ANALYST
    write_role = Role.EDITOR
