"""Django admin for staff: read-mostly. Decisions go through /staff/ so they are audited."""

from django.contrib import admin

from .models import CommissionContract, Institution, InstitutionEvent, Invitation, Membership


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = InstitutionEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "actor", "from_status", "to_status", "reason", "notified_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Institution)
class InstitutionAdmin(ReadOnlyAdmin):
    list_display = ["name", "type", "status", "licence_number", "created_at"]
    list_filter = ["status", "type"]
    search_fields = ["name", "licence_number", "contact_email"]
    inlines = [EventInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "institution", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "institution__name"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "institution", "role", "created_at", "expires_at", "accepted_at"]
    search_fields = ["email", "institution__name"]
    exclude = ["token"]


@admin.register(CommissionContract)
class CommissionContractAdmin(ReadOnlyAdmin):
    list_display = [
        "institution",
        "product_kind",
        "upfront_rate",
        "trail_rate",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["product_kind"]


@admin.register(InstitutionEvent)
class InstitutionEventAdmin(ReadOnlyAdmin):
    list_display = ["institution", "from_status", "to_status", "actor", "created_at"]
    list_filter = ["to_status"]
