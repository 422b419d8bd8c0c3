from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    BUREAU = "bureau", _("部门")
    TOWNSHIP = "township", _("镇街区")
    VILLAGE = "village", _("村居社区")
    OFFICE = "office", _("安委办")
    COMPANY = "company", _("国企")
    MASS = "mass", _("群团")
    MEDIA = "media", _("媒体")


class MembershipRole(models.TextChoices):
    STAFF = "staff", _("填报员")
    LEADER = "leader", _("负责人")


class UnitGroupRule(models.TextChoices):
    """How a group token (各镇街区, 安委会成员单位) expands into units."""

    TOWNSHIPS = "townships", _("全部镇街区")
    COMMITTEE = "committee", _("全部安委会成员单位")
    EXPLICIT = "explicit", _("指定单位")


class SupervisionKind(models.TextChoices):
    """The three supervisors of an enterprise (属地 / 行业主管 / 专业监管)."""

    TERRITORIAL = "territorial", _("属地管理")
    INDUSTRY = "industry", _("行业主管")
    PROFESSIONAL = "professional", _("专业监管")


class EnterpriseScale(models.TextChoices):
    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")


class GridOfficerRole(models.TextChoices):
    CHIEF = "chief", _("网格长")
    OFFICER = "officer", _("网格员")
    SPECIALIST = "specialist", _("专职监管员")


class AccountRole(models.TextChoices):
    """The role an account is created with: a unit role, or a global role (admins only)."""

    STAFF = "staff", _("填报员")
    LEADER = "leader", _("负责人")
    OFFICE = "office", _("安委办")
    AUDITOR = "auditor", _("审计/考核（只读）")
    ADMIN = "admin", _("系统管理员")
