"""/public/ — the public information page (信息公开, no login) and the office's setting of it.

Each view makes one call: ``public.public_figures`` to read, ``public.publication_setting_save``
to publish.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from portal.permissions import can

from . import public
from .models import PublicationSetting


class PublicIndexView(TemplateView):
    """/public/ — the figures the city publishes, as of the time they were read."""

    template_name = "dashboard/public/index.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["figures"] = public.public_figures()
        ctx["cache_minutes"] = public.CACHE_SECONDS // 60
        return ctx


class PublicationSettingForm(forms.ModelForm):
    class Meta:
        model = PublicationSetting
        fields = public.SETTING_FIELDS
        widgets = {
            "title": forms.TextInput(attrs={"class": "form-control"}),
            "introduction": forms.Textarea(
                attrs={"class": "form-control", "rows": 3, "wide": True}
            ),
            **{
                name: forms.CheckboxInput(attrs={"class": "form-check-input"})
                for name in public.SETTING_FIELDS
                if name.startswith("publish_")
            },
        }


class PublicSettingsView(LoginRequiredMixin, FormView):
    """/public/settings/ — the office chooses what is published; everyone else is refused."""

    template_name = "dashboard/public/settings.html"
    form_class = PublicationSettingForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can(request.user, "add", PublicationSetting()):
            raise PermissionDenied(_("只有安委办可以设置信息公开内容。"))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        current = PublicationSetting.current()
        kwargs["initial"] = {name: getattr(current, name) for name in public.SETTING_FIELDS}
        return kwargs

    def form_valid(self, form):
        public.publication_setting_save(actor=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("信息公开设置已发布。"))
        return redirect(reverse("public:index"))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["history"] = PublicationSetting.objects.select_related("updated_by").order_by("-pk")[
            :10
        ]
        return ctx
