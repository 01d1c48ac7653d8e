from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Identity, IdentityEvent, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_active"]
    search_fields = ["email"]
    readonly_fields = ["date_joined", "last_login"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


class IdentityEventInline(admin.TabularInline):
    model = IdentityEvent
    fields = ["created_at", "kind", "actor", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    """Read-only: the number is never shown (its last four only); reviews go through the staff
    queue (/staff/identity/) so they keep their audit trail."""

    list_display = ["user", "legal_name", "document_type", "masked_number", "status", "verified_at"]
    list_filter = ["status", "document_type"]
    search_fields = ["user__email", "legal_name"]
    fields = [
        "user",
        "legal_name",
        "document_type",
        "masked_number",
        "date_of_birth",
        "nationality",
        "status",
        "failure_reason",
        "provider",
        "provider_reference",
        "submitted_at",
        "verified_at",
        "reviewed_by",
    ]
    readonly_fields = fields
    inlines = [IdentityEventInline]

    @admin.display(description="number")
    def masked_number(self, identity) -> str:
        return f"•••• {identity.document_last4}"

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
