"""Forms for plans (create, edit, revise, evaluate, withdraw) and drills. They parse input;
``emergency.services`` decides (scope, which owner fields a plan needs, the file check)."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.permissions import restrict, user_scope
from responsibilities.choices import SupervisionKind
from responsibilities.models import Enterprise, Industry, OrgUnit, SupervisionDuty

from .choices import PlanOwnerKind, PlanState, PlanType
from .models import Drill, Plan

PLAN_FILE_HELP = _("PDF 或 Word 文档，按文件内容检查类型。")
REPORT_FILE_HELP = _("PDF、Word 文档或图片，按文件内容检查类型。")


def _style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget, ISO dates in date inputs."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(field, forms.DateField):
            field.widget = widget = forms.DateInput(
                attrs={**widget.attrs, "type": "date"}, format="%Y-%m-%d"
            )
        if isinstance(widget, forms.Textarea):
            widget.attrs["rows"] = 3
            widget.attrs.setdefault("wide", True)
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


def _units_for(user):
    """The units a user may act for: all for the office, their own for a member."""
    units = OrgUnit.objects.filter(is_active=True)
    scope = user_scope(user)
    if not scope.writes_all:
        units = units.filter(pk__in=scope.unit_ids)
    return units.order_by("sort_order", "name")


def _townships():
    return OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP, is_active=True).order_by(
        "sort_order", "name"
    )


class ServiceModelForm(forms.ModelForm):
    """A ModelForm used only to parse: the service, not the form, validates and saves the model,
    so the instance is never touched here."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def _post_clean(self):
        pass

    def service_fields(self) -> dict:
        """The cleaned fields for the service; a file only when a new one was uploaded."""
        data = {}
        for name in self._meta.fields:
            if name not in self.cleaned_data:
                continue
            value = self.cleaned_data[name]
            if isinstance(self.fields[name], forms.FileField):
                if isinstance(value, UploadedFile):
                    data[name] = value
                continue
            if isinstance(self.fields[name], forms.ModelMultipleChoiceField):
                continue
            data[name] = value
        return data


# --- plans ------------------------------------------------------------------------------------

PLAN_FIELDS = [
    "title",
    "plan_type",
    "owner_kind",
    "owner_unit",
    "township",
    "industry",
    "enterprise",
    "document_number",
    "version",
    "state",
    "issued_on",
    "last_evaluated_on",
    "scenario",
    "summary",
    "review_kind",
    "reviewed_on",
    "review_result",
    "filed_on",
    "filing_number",
    "filing_authority",
    "file",
]
# Which owner kinds each owner field belongs to; plan_form.js shows only those.
OWNER_FIELDS = {
    "township": (PlanOwnerKind.TOWNSHIP, PlanOwnerKind.ENTERPRISE),
    "industry": (PlanOwnerKind.INDUSTRY, PlanOwnerKind.ENTERPRISE),
    "enterprise": (PlanOwnerKind.ENTERPRISE,),
}


class PlanForm(ServiceModelForm):
    """应急预案 — the plan's identity, owner, issue, review, filing and its text. The owner kind
    decides which of 镇街区 / 行业 / 生产经营单位 is asked for."""

    class Meta:
        model = Plan
        fields = PLAN_FIELDS

    class Media:
        js = ["emergency/js/plan_form.js"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = _units_for(user)
        self.fields["township"].queryset = _townships()
        self.fields["industry"].queryset = Industry.objects.order_by("sort_order", "name")
        self.fields["enterprise"].queryset = restrict(
            Enterprise.objects.all(), user, "view"
        ).order_by("name")
        self.fields["file"].help_text = PLAN_FILE_HELP
        # Revising and withdrawing have their own forms; here a plan is drafted or in force.
        self.fields["state"].choices = [
            (state.value, state.label) for state in (PlanState.DRAFT, PlanState.IN_FORCE)
        ]
        self.fields["last_evaluated_on"].help_text = _(
            "登记已评估过的预案时填写；此后的评估请用“评估”。"
        )
        self.fields["owner_kind"].widget.attrs["data-owner-kind"] = "1"
        for name, kinds in OWNER_FIELDS.items():
            self.fields[name].widget.attrs["data-owner-kinds"] = " ".join(kinds)
        if self.instance.pk is None:
            units = list(self.fields["owner_unit"].queryset[:2])
            if len(units) == 1:
                self.initial.setdefault("owner_unit", units[0].pk)
        for name in ("summary", "scenario"):
            self.fields[name].widget.attrs["wide"] = True


def plan_initial(params, *, user) -> dict:
    """What the coverage matrix's "add plan" link prefills: owner kind, township or industry,
    plan type — and from them the owner unit (the township itself, or the industry's 行业主管
    unit) and a title. Values that name nothing are ignored."""
    initial: dict = {}
    owner_kind = params.get("owner_kind")
    if owner_kind in PlanOwnerKind.values:
        initial["owner_kind"] = owner_kind
    plan_type = params.get("plan_type")
    if plan_type in PlanType.values:
        initial["plan_type"] = plan_type
    owner_name = ""
    township = _pk(params.get("township"))
    if township is not None:
        unit = _townships().filter(pk=township).first()
        if unit is not None:
            initial["township"] = unit.pk
            owner_name = unit.name
            if owner_kind == PlanOwnerKind.TOWNSHIP and _units_for(user).filter(pk=unit.pk):
                initial["owner_unit"] = unit.pk
    industry_pk = _pk(params.get("industry"))
    if industry_pk is not None:
        industry = Industry.objects.filter(pk=industry_pk).first()
        if industry is not None:
            initial["industry"] = industry.pk
            owner_name = _("%(industry)s行业") % {"industry": industry.name}
            duty = (
                SupervisionDuty.objects.filter(industry=industry, kind=SupervisionKind.INDUSTRY)
                .filter(unit__in=_units_for(user))
                .first()
            )
            if duty is not None:
                initial["owner_unit"] = duty.unit_id
    if owner_kind == PlanOwnerKind.CITY:
        owner_name = str(_("全市"))
    if owner_name and plan_type in PlanType.values:
        label = PlanType(plan_type).label
        initial["title"] = f"{owner_name}{label}"
    initial.setdefault("issued_on", timezone.localdate())
    return initial


def _pk(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


REVISE_FIELDS = [
    "title",
    "version",
    "issued_on",
    "document_number",
    "summary",
    "review_kind",
    "reviewed_on",
    "review_result",
    "filed_on",
    "filing_number",
    "filing_authority",
    "file",
]


class PlanReviseForm(ServiceModelForm):
    """修订 — a new version that replaces this one; what changed, when it was issued, its text."""

    class Meta:
        model = Plan
        fields = REVISE_FIELDS

    def __init__(self, *args, instance, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("title", instance.title)
        initial.setdefault("version", "")
        initial.setdefault("issued_on", timezone.localdate())
        # A revision is a new row: the form starts from a blank plan, not the old version.
        super().__init__(*args, instance=Plan(), **kwargs)
        self.fields["version"].help_text = _("当前版本：%(version)s") % {
            "version": instance.version
        }
        self.fields["issued_on"].required = True
        self.fields["file"].help_text = PLAN_FILE_HELP


class PlanEvaluateForm(forms.Form):
    """预案评估 — the date, the conclusion and whether the plan needs revising."""

    evaluated_on = forms.DateField(label=_("评估日期"))
    conclusion = forms.CharField(label=_("评估结论"), widget=forms.Textarea)
    needs_revision = forms.BooleanField(label=_("需要修订"), required=False)

    def __init__(self, *args, instance=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("evaluated_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        _style(self)


class PlanWithdrawForm(forms.Form):
    """废止 — the reason is kept in the plan's history."""

    reason = forms.CharField(label=_("废止理由"), max_length=300, widget=forms.Textarea)

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


# --- drills -----------------------------------------------------------------------------------

DRILL_FIELDS = [
    "plan",
    "title",
    "held_on",
    "form",
    "scale",
    "organiser",
    "township",
    "location",
    "participating_units",
    "participants",
    "scenario",
    "evaluation",
    "evaluation_text",
    "problems_found",
    "improvements",
    "report_file",
]


class DrillRecordForm(ServiceModelForm):
    """应急演练 — which plan, when, how, who took part, how it went and what it found."""

    class Meta:
        model = Drill
        fields = DRILL_FIELDS

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = restrict(
            Plan.objects.select_related("owner_unit"), user, "view"
        ).order_by("title", "-pk")
        self.fields["organiser"].queryset = _units_for(user)
        self.fields["township"].queryset = _townships()
        participants = self.fields["participating_units"]
        participants.queryset = OrgUnit.objects.filter(is_active=True).order_by(
            "sort_order", "name"
        )
        participants.widget.attrs.update(size=8, wide=True)
        participants.help_text = _("可按住 Ctrl 多选。")
        self.fields["report_file"].help_text = REPORT_FILE_HELP
        if self.instance.pk is None:
            units = list(self.fields["organiser"].queryset[:2])
            if len(units) == 1:
                self.initial.setdefault("organiser", units[0].pk)
            self.initial.setdefault("held_on", timezone.localdate())
        for name in ("scenario", "evaluation_text", "problems_found", "improvements"):
            self.fields[name].widget.attrs["wide"] = True

    def participating_units(self):
        return list(self.cleaned_data.get("participating_units") or ())


def drill_initial(params, *, user) -> dict:
    """``?plan=pk`` prefills the plan, a title, the organiser and the township from it."""
    plan_pk = _pk(params.get("plan"))
    if plan_pk is None:
        return {}
    plan = restrict(Plan.objects.all(), user, "view").filter(pk=plan_pk).first()
    if plan is None:
        return {}
    initial = {"plan": plan.pk, "title": f"{plan.title}演练"}
    if _units_for(user).filter(pk=plan.owner_unit_id).exists():
        initial["organiser"] = plan.owner_unit_id
    if plan.township_id:
        initial["township"] = plan.township_id
    return initial
