"""责任体系 — who is responsible: units, people, enterprises and grids."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from portal.models import PortalModel

from .choices import (
    EnterpriseScale,
    GridOfficerRole,
    MembershipRole,
    SupervisionKind,
    UnitGroupRule,
    UnitKind,
)
from .validators import validate_credit_code


class OrgUnit(PortalModel):
    """A unit that carries responsibility: a bureau, a township (镇街区), the office (安委办)…"""

    Kind = UnitKind

    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    aliases = models.JSONField(
        _("别名"),
        default=list,
        blank=True,
        help_text=_("公文中出现的其他写法，如“住建局”“市住房和城乡建设局”。"),
    )
    kind = models.CharField(_("类别"), max_length=20, choices=UnitKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(_("区划/机构代码"), max_length=30, blank=True)
    is_committee_member = models.BooleanField(_("安委会成员单位"), default=False)
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    population = models.PositiveIntegerField(_("常住人口"), null=True, blank=True)
    area_km2 = models.DecimalField(
        _("面积（平方公里）"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    is_sample_data = models.BooleanField(
        _("示例数据"), default=False, help_text=_("人口、面积等为示例值，待安委办替换为正式数据。")
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)
    group = models.OneToOneField(
        Group,
        verbose_name=_("权限组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="org_unit",
        editable=False,
    )

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["sort_order", "kind", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("responsibilities:unit-detail", args=[self.pk])

    @property
    def display_name(self):
        return self.short_name or self.name

    @property
    def is_township(self):
        return self.kind == UnitKind.TOWNSHIP

    @classmethod
    def scope_q(cls, scope, action):
        if action == "view":
            return Q()  # the unit directory is open to every signed-in user
        if action == "change":
            return Q(pk__in=scope.unit_ids)
        return None


class UnitGroup(PortalModel):
    """A group token used in directives (各镇街区, 安委会成员单位) and the units it stands for."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    aliases = models.JSONField(_("别名"), default=list, blank=True)
    rule = models.CharField(_("展开规则"), max_length=20, choices=UnitGroupRule.choices)
    members = models.ManyToManyField(
        OrgUnit, verbose_name=_("指定单位"), blank=True, related_name="unit_groups"
    )

    class Meta:
        verbose_name = _("单位组")
        verbose_name_plural = _("单位组")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @classmethod
    def scope_q(cls, scope, action):
        return Q() if action == "view" else None


class Membership(PortalModel):
    """A person's place in a unit: staff (填报员) or leader (负责人)."""

    Role = MembershipRole

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("角色"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.STAFF
    )
    title = models.CharField(_("职务"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("单位成员")
        verbose_name_plural = _("单位成员")
        ordering = ["unit__sort_order", "unit__name", "-role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="membership_unique_user_unit")
        ]

    def __str__(self):
        return f"{self.unit} · {self.user.get_username()}（{self.get_role_display()}）"

    def get_absolute_url(self):
        return self.unit.get_absolute_url()

    @classmethod
    def scope_q(cls, scope, action):
        if action == "view":
            return Q(unit_id__in=scope.unit_ids)
        return None


class Profile(PortalModel):
    """What Chengan keeps about a person beyond the login: name, phone, first-login state."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号码"), max_length=30, blank=True)
    must_change_password = models.BooleanField(_("首次登录须修改密码"), default=True)

    class Meta:
        verbose_name = _("用户资料")
        verbose_name_plural = _("用户资料")
        ordering = ["user__username"]

    def __str__(self):
        return self.full_name or self.user.get_username()

    @classmethod
    def scope_q(cls, scope, action):
        return Q(user_id=scope.user_id)


class Industry(PortalModel):
    """行业 — an industry or sector, the key of the division of supervision duties."""

    name = models.CharField(_("行业名称"), max_length=100, unique=True)
    code = models.CharField(_("行业代码"), max_length=20, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级行业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("行业")
        verbose_name_plural = _("行业")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    @classmethod
    def scope_q(cls, scope, action):
        return Q() if action == "view" else None


class SupervisionDuty(PortalModel):
    """安全监管责任分工 — which unit supervises an industry or sector, and how."""

    industry = models.ForeignKey(
        Industry, verbose_name=_("行业领域"), on_delete=models.CASCADE, related_name="duties"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("监管单位"), on_delete=models.PROTECT, related_name="duties"
    )
    kind = models.CharField(_("监管类别"), max_length=20, choices=SupervisionKind.choices)
    scope_note = models.CharField(_("职责说明"), max_length=300, blank=True)
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("安全监管责任分工")
        verbose_name_plural = _("安全监管责任分工")
        ordering = ["industry__sort_order", "industry__name", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["industry", "kind"], name="duty_unique_industry_kind"),
        ]

    def __str__(self):
        return f"{self.industry} · {self.get_kind_display()}：{self.unit}"

    def get_absolute_url(self):
        return reverse("responsibilities:duty-list")

    @classmethod
    def scope_q(cls, scope, action):
        return Q() if action == "view" else None


class Grid(PortalModel):
    """网格 — the smallest supervision area inside a township, with named officers."""

    name = models.CharField(_("网格名称"), max_length=100)
    code = models.CharField(_("网格编码"), max_length=30, unique=True)
    township = models.ForeignKey(
        OrgUnit,
        verbose_name=_("镇街区"),
        on_delete=models.PROTECT,
        related_name="grids",
        limit_choices_to={"kind": UnitKind.TOWNSHIP},
    )
    community = models.CharField(_("村居/社区"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering = ["township__sort_order", "code"]

    def __str__(self):
        return f"{self.township.display_name} · {self.name}"

    def get_absolute_url(self):
        return reverse("responsibilities:grid-detail", args=[self.pk])

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.township_id and self.township.kind != UnitKind.TOWNSHIP:
            raise ValidationError({"township": _("网格只能划在镇街区内。")})

    @classmethod
    def scope_q(cls, scope, action):
        return Q(township_id__in=scope.township_ids)

    def scope_allows_add(self, scope):
        return self.township_id in scope.township_ids


class GridOfficer(PortalModel):
    """网格化实名制监管名册 — a named officer of a grid."""

    grid = models.ForeignKey(
        Grid, verbose_name=_("网格"), on_delete=models.CASCADE, related_name="officers"
    )
    name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(
        _("岗位"), max_length=20, choices=GridOfficerRole.choices, default=GridOfficerRole.OFFICER
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("系统账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grid_posts",
    )

    class Meta:
        verbose_name = _("网格员")
        verbose_name_plural = _("网格员")
        ordering = ["grid__code", "-role", "name"]

    def __str__(self):
        return f"{self.name}（{self.get_role_display()}）"

    def get_absolute_url(self):
        return self.grid.get_absolute_url()

    @classmethod
    def scope_q(cls, scope, action):
        return Q(grid__township_id__in=scope.township_ids)

    def scope_allows_add(self, scope):
        return self.grid_id is not None and self.grid.township_id in scope.township_ids


class Enterprise(PortalModel):
    """生产经营单位 — an enterprise on the roster, with its three supervisors."""

    name = models.CharField(_("单位名称"), max_length=200)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    industry = models.ForeignKey(
        Industry, verbose_name=_("行业"), on_delete=models.PROTECT, related_name="enterprises"
    )
    township = models.ForeignKey(
        OrgUnit,
        verbose_name=_("所属镇街区"),
        on_delete=models.PROTECT,
        related_name="enterprises",
        limit_choices_to={"kind": UnitKind.TOWNSHIP},
    )
    grid = models.ForeignKey(
        Grid,
        verbose_name=_("网格"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enterprises",
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    safety_contact = models.CharField(_("安全负责人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    scale = models.CharField(
        _("企业规模"), max_length=10, choices=EnterpriseScale.choices, blank=True
    )
    employees = models.PositiveIntegerField(_("从业人员数"), null=True, blank=True)
    is_high_risk = models.BooleanField(_("高危行业"), default=False)
    is_crowded_place = models.BooleanField(_("人员密集场所"), default=False)
    territorial_supervisor = models.ForeignKey(
        OrgUnit,
        verbose_name=_("属地监管单位"),
        on_delete=models.PROTECT,
        related_name="territorial_enterprises",
    )
    industry_supervisor = models.ForeignKey(
        OrgUnit,
        verbose_name=_("行业主管部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="industry_enterprises",
    )
    professional_supervisor = models.ForeignKey(
        OrgUnit,
        verbose_name=_("专业监管部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="professional_enterprises",
    )
    is_active = models.BooleanField(_("在营"), default=True)

    class Meta:
        verbose_name = _("生产经营单位")
        verbose_name_plural = _("生产经营单位")
        ordering = ["township__sort_order", "name"]
        indexes = [models.Index(fields=["township", "industry"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("responsibilities:enterprise-detail", args=[self.pk])

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.township_id and self.township.kind != UnitKind.TOWNSHIP:
            errors["township"] = _("所属镇街区必须是镇街区。")
        if self.grid_id and self.township_id and self.grid.township_id != self.township_id:
            errors["grid"] = _("网格“%(grid)s”不在所属镇街区内。") % {"grid": self.grid.code}
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("经纬度须同时填写。")
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            errors["latitude"] = _("纬度应在-90到90之间。")
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            errors["longitude"] = _("经度应在-180到180之间。")
        if errors:
            raise ValidationError(errors)

    @classmethod
    def scope_q(cls, scope, action):
        if action in ("view", "change"):
            units = scope.unit_ids
            return (
                Q(township_id__in=scope.township_ids)
                | Q(territorial_supervisor_id__in=units)
                | Q(industry_supervisor_id__in=units)
                | Q(professional_supervisor_id__in=units)
            )
        return None

    def scope_allows_add(self, scope):
        return self.township_id in scope.township_ids


class EnterpriseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Enterprise, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("生产经营单位个人授权")
        verbose_name_plural = _("生产经营单位个人授权")


class EnterpriseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Enterprise, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("生产经营单位单位授权")
        verbose_name_plural = _("生产经营单位单位授权")
