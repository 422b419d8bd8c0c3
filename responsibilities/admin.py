"""Admin for the responsibility system (IT's door). Saves and deletes go through the same
services as the pages and the API, so the admin obeys the same rules and writes history
with the acting user; records without a removal service are deactivated, not deleted."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from .forms.units import AliasesField, OrgUnitForm
from .models import (
    Enterprise,
    Grid,
    GridOfficer,
    Industry,
    Membership,
    OrgUnit,
    Profile,
    SupervisionDuty,
    UnitGroup,
)
from .services import units as services


class ServiceAdmin(SimpleHistoryAdmin):
    """Routes the admin's save and delete to the app's services.

    Subclasses implement ``create(request, fields)`` and ``update(request, obj, fields)``
    (``obj`` fresh from the database; ``fields`` are the form's changed model fields) and,
    where a removal service exists, ``remove(request, obj)``.
    """

    list_per_page = 50

    def create(self, request, fields):
        raise NotImplementedError

    def update(self, request, obj, fields):
        raise NotImplementedError

    def remove(self, request, obj):
        raise NotImplementedError

    def service_fields(self, form, *, changed_only):
        names = {f.name for f in self.model._meta.concrete_fields}
        source = form.changed_data if changed_only else form.cleaned_data
        return {name: form.cleaned_data[name] for name in source if name in names}

    def save_model(self, request, obj, form, change):
        if change:
            fresh = type(obj)._default_manager.get(pk=obj.pk)
            saved = self.update(request, fresh, self.service_fields(form, changed_only=True))
        else:
            saved = self.create(request, self.service_fields(form, changed_only=False))
        # The admin goes on with ``obj`` (log entry, redirect): give it the saved state.
        for field in obj._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False

    def has_delete_permission(self, request, obj=None):
        has_remove = type(self).remove is not ServiceAdmin.remove
        return has_remove and super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        self.remove(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.remove(request, obj)


# --- units ------------------------------------------------------------------------------------


class OrgUnitAdminForm(forms.ModelForm):
    aliases = AliasesField(label=_("别名"), required=False)

    class Meta:
        model = OrgUnit
        fields = OrgUnitForm.Meta.fields

    def clean(self):
        cleaned = super().clean()
        # The service's rules across units (aliases, parent cycles), shown on the form.
        if not self.errors:
            probe = OrgUnit(**{k: v for k, v in cleaned.items() if k in _unit_field_names()})
            probe.pk = self.instance.pk
            try:
                services.org_unit_check(probe)
            except forms.ValidationError as exc:
                self.add_error(None, exc)
        return cleaned


def _unit_field_names():
    return {f.name for f in OrgUnit._meta.concrete_fields}


class MembershipInline(admin.TabularInline):
    """Who belongs to the unit; added and removed on the Membership admin (services)."""

    model = Membership
    extra = 0
    fields = ["user", "role", "title"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OrgUnit)
class OrgUnitAdmin(ServiceAdmin):
    form = OrgUnitAdminForm
    list_display = [
        "name",
        "short_name",
        "kind",
        "parent",
        "is_committee_member",
        "contact_person",
        "phone",
        "is_active",
    ]
    list_filter = ["kind", "is_committee_member", "is_active", "is_sample_data"]
    search_fields = ["name", "short_name", "aliases", "code"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["group"]
    inlines = [MembershipInline]

    def create(self, request, fields):
        return services.org_unit_create(actor=request.user, **fields)

    def update(self, request, obj, fields):
        return services.org_unit_update(actor=request.user, unit=obj, **fields)


class UnitGroupAdminForm(forms.ModelForm):
    aliases = AliasesField(label=_("别名"), required=False)

    class Meta:
        model = UnitGroup
        fields = ["name", "aliases", "rule", "members"]


@admin.register(UnitGroup)
class UnitGroupAdmin(ServiceAdmin):
    form = UnitGroupAdminForm
    list_display = ["name", "rule"]
    list_filter = ["rule"]
    search_fields = ["name", "aliases"]
    filter_horizontal = ["members"]

    def create(self, request, fields):
        return services.unit_group_create(actor=request.user, **fields)

    def update(self, request, obj, fields):
        return services.unit_group_update(actor=request.user, group=obj, **fields)

    def save_model(self, request, obj, form, change):
        self._members = form.cleaned_data.get("members")
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # Members are set by the service, not by the form's save_m2m.
        services.unit_group_update(
            actor=request.user,
            group=UnitGroup.objects.get(pk=form.instance.pk),
            members=self._members,
        )


@admin.register(Membership)
class MembershipAdmin(ServiceAdmin):
    list_display = ["user", "unit", "role", "title"]
    list_filter = ["role", "unit__kind"]
    search_fields = ["user__username", "user__profile__full_name", "unit__name", "title"]
    list_select_related = ["user", "unit"]
    autocomplete_fields = ["user", "unit"]

    def get_readonly_fields(self, request, obj=None):
        return ["user", "unit"] if obj else []

    def create(self, request, fields):
        return services.membership_add(actor=request.user, **fields)

    def update(self, request, obj, fields):
        return services.membership_update(actor=request.user, membership=obj, **fields)

    def remove(self, request, obj):
        services.membership_remove(actor=request.user, membership=obj)


@admin.register(Profile)
class ProfileAdmin(SimpleHistoryAdmin):
    """Read-only here: accounts are managed on 账号管理 (/accounts/users/)."""

    list_display = ["user", "full_name", "phone", "must_change_password"]
    list_filter = ["must_change_password"]
    search_fields = ["user__username", "full_name", "phone"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- industries and the division of supervision duties ---------------------------------------


class SupervisionDutyInline(admin.TabularInline):
    model = SupervisionDuty
    extra = 0
    fields = ["kind", "unit", "scope_note"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Industry)
class IndustryAdmin(ServiceAdmin):
    list_display = ["name", "code", "parent", "sort_order"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    inlines = [SupervisionDutyInline]

    def create(self, request, fields):
        return services.industry_create(actor=request.user, **fields)

    def update(self, request, obj, fields):
        return services.industry_update(actor=request.user, industry=obj, **fields)


@admin.register(SupervisionDuty)
class SupervisionDutyAdmin(ServiceAdmin):
    list_display = ["industry", "kind", "unit", "scope_note", "source"]
    list_filter = ["kind", "unit"]
    search_fields = ["industry__name", "unit__name", "scope_note"]
    list_select_related = ["industry", "unit"]
    autocomplete_fields = ["industry", "unit"]

    def create(self, request, fields):
        return services.supervision_duty_set(
            actor=request.user,
            industry=fields["industry"],
            kind=fields["kind"],
            unit=fields["unit"],
            scope_note=fields.get("scope_note", ""),
        )

    def update(self, request, obj, fields):
        data = {
            "industry": obj.industry,
            "kind": obj.kind,
            "unit": obj.unit,
            "scope_note": obj.scope_note,
        }
        data.update({k: v for k, v in fields.items() if k in data})
        return services.supervision_duty_set(actor=request.user, **data)

    def remove(self, request, obj):
        services.supervision_duty_set(
            actor=request.user, industry=obj.industry, kind=obj.kind, unit=None
        )


# --- grids ------------------------------------------------------------------------------------


class GridOfficerInline(admin.TabularInline):
    model = GridOfficer
    extra = 0
    fields = ["name", "role", "phone", "user"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Grid)
class GridAdmin(ServiceAdmin):
    list_display = ["code", "name", "township", "community"]
    list_filter = ["township"]
    search_fields = ["code", "name", "community", "officers__name"]
    list_select_related = ["township"]
    autocomplete_fields = ["township"]
    inlines = [GridOfficerInline]

    def create(self, request, fields):
        return services.grid_create(actor=request.user, **fields)

    def update(self, request, obj, fields):
        return services.grid_update(actor=request.user, grid=obj, **fields)


@admin.register(GridOfficer)
class GridOfficerAdmin(ServiceAdmin):
    list_display = ["name", "role", "grid", "phone", "user"]
    list_filter = ["role", "grid__township"]
    search_fields = ["name", "phone", "grid__code", "grid__name"]
    list_select_related = ["grid", "grid__township", "user"]
    autocomplete_fields = ["grid", "user"]

    def create(self, request, fields):
        return services.grid_officer_create(actor=request.user, **fields)

    def update(self, request, obj, fields):
        return services.grid_officer_update(actor=request.user, officer=obj, **fields)

    def remove(self, request, obj):
        services.grid_officer_remove(actor=request.user, officer=obj)


# --- enterprises (生产经营单位) -----------------------------------------------------------------


@admin.register(Enterprise)
class EnterpriseAdmin(GuardedModelAdminMixin, ServiceAdmin):
    """The roster, with django-guardian's object permissions page so IT can see grants."""

    actions = ["deactivate"]

    list_display = [
        "name",
        "credit_code",
        "industry",
        "township",
        "territorial_supervisor",
        "industry_supervisor",
        "professional_supervisor",
        "is_active",
    ]
    list_filter = ["is_active", "is_high_risk", "is_crowded_place", "scale", "township"]
    search_fields = ["name", "credit_code", "address", "legal_representative"]
    list_select_related = [
        "industry",
        "township",
        "territorial_supervisor",
        "industry_supervisor",
        "professional_supervisor",
    ]
    autocomplete_fields = [
        "industry",
        "township",
        "grid",
        "territorial_supervisor",
        "industry_supervisor",
        "professional_supervisor",
    ]

    def create(self, request, fields):
        from .services.enterprises import enterprise_create

        return enterprise_create(actor=request.user, **fields)

    def update(self, request, obj, fields):
        from .services.enterprises import enterprise_update

        return enterprise_update(actor=request.user, enterprise=obj, **fields)

    @admin.action(description=_("停用所选生产经营单位"))
    def deactivate(self, request, queryset):
        # Enterprises leave the roster by deactivation, never deletion: their record stays.
        from .services.enterprises import enterprise_deactivate

        for enterprise in queryset:
            enterprise_deactivate(actor=request.user, enterprise=enterprise)
