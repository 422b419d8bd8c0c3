"""The risk register's fixed vocabularies, in the words of 风险分级管控 practice."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskLevel(models.TextChoices):
    """重大 red / 较大 orange / 一般 yellow / 低 blue — stored as the colour."""

    RED = "red", _("重大风险")
    ORANGE = "orange", _("较大风险")
    YELLOW = "yellow", _("一般风险")
    BLUE = "blue", _("低风险")


# Strictest first: 从严从高 takes the level with the lowest rank.
LEVEL_RANK = {RiskLevel.RED: 0, RiskLevel.ORANGE: 1, RiskLevel.YELLOW: 2, RiskLevel.BLUE: 3}
LEVEL_COLORS = {
    RiskLevel.RED: "#d7191c",
    RiskLevel.ORANGE: "#f28e2b",
    RiskLevel.YELLOW: "#f2d43d",
    RiskLevel.BLUE: "#2c7bb6",
}
LEVEL_SHORT = {
    RiskLevel.RED: _("重大"),
    RiskLevel.ORANGE: _("较大"),
    RiskLevel.YELLOW: _("一般"),
    RiskLevel.BLUE: _("低"),
}


def stricter(a: str | None, b: str | None) -> str | None:
    """The stricter of two levels (None is no level)."""
    if a is None:
        return b
    if b is None:
        return a
    return a if LEVEL_RANK[a] <= LEVEL_RANK[b] else b


class AssessmentMethod(models.TextChoices):
    LEC = "LEC", _("作业条件危险性分析法（LEC）")
    LS = "LS", _("风险矩阵法（LS）")


class RiskKind(models.TextChoices):
    SITE = "site", _("设备设施、场所、区域")
    OPERATION = "operation", _("作业活动")


class RiskCategory(models.TextChoices):
    CROWDED_PLACE = "crowded_place", _("人员密集场所")
    HAZARDOUS_CHEMICALS = "hazardous_chemicals", _("危险化学品")
    GAS = "gas", _("城镇燃气")
    PIPELINE = "pipeline", _("油气输送管道")
    SPECIAL_EQUIPMENT = "special_equipment", _("特种设备")
    CONSTRUCTION = "construction", _("建筑施工")
    ROAD_TRAFFIC = "road_traffic", _("道路交通")
    WATER_TRAFFIC = "water_traffic", _("水上交通")
    MUNICIPAL = "municipal", _("市政设施")
    HIGH_RISE = "high_rise", _("高层建筑和大型综合体")
    INDUSTRY_TRADE = "industry_trade", _("工贸企业")
    FIRE = "fire", _("消防安全")
    NATURAL_DISASTER = "natural_disaster", _("自然灾害")
    LARGE_EVENT = "large_event", _("大型群众性活动")
    OTHER = "other", _("其他")


class AccidentType(models.TextChoices):
    """GB 6441 事故类别, the ones a city's register uses."""

    FIRE = "fire", _("火灾")
    EXPLOSION = "explosion", _("爆炸")
    POISONING = "poisoning", _("中毒和窒息")
    LEAK = "leak", _("泄漏")
    TRAFFIC = "traffic", _("车辆伤害")
    FALL = "fall", _("高处坠落")
    COLLAPSE = "collapse", _("坍塌")
    STRUCK = "struck", _("物体打击")
    LIFTING = "lifting", _("起重伤害")
    MACHINE = "machine", _("机械伤害")
    ELECTRIC = "electric", _("触电")
    DROWNING = "drowning", _("淹溺")
    SCALD = "scald", _("灼烫")
    CROWD = "crowd", _("拥挤踩踏")
    PRESSURE = "pressure", _("容器爆炸")
    OTHER = "other", _("其他伤害")


class ControlLevel(models.TextChoices):
    """管控层级: who holds the control, from the city down to the team."""

    CITY = "city", _("市级")
    TOWNSHIP = "township", _("镇街区级")
    DEPARTMENT = "department", _("部门级")
    ENTERPRISE = "enterprise", _("企业级")
    WORKSHOP = "workshop", _("车间级")
    TEAM = "team", _("班组级")


class RestrictionKind(models.TextChoices):
    PROHIBITED = "prohibited", _("禁止类")
    RESTRICTED = "restricted", _("限制类")


class ScreeningVerdict(models.TextChoices):
    PROHIBITED = "prohibited", _("禁止（一票否决）")
    RESTRICTED = "restricted", _("限制（须满足条件）")
    ALLOWED = "allowed", _("未列入目录")
    OUTSIDE = "outside", _("不在中心城区（目录不适用）")


# LEC option tables (作业条件危险性分析法, the standard values).
LEC_L_OPTIONS = [
    ("10", _("完全可以预料")),
    ("6", _("相当可能")),
    ("3", _("可能，但不经常")),
    ("1", _("可能性小，完全意外")),
    ("0.5", _("很不可能，可以设想")),
    ("0.2", _("极不可能")),
    ("0.1", _("实际不可能")),
]
LEC_E_OPTIONS = [
    ("10", _("连续暴露")),
    ("6", _("每天工作时间内暴露")),
    ("3", _("每周一次或偶然暴露")),
    ("2", _("每月一次暴露")),
    ("1", _("每年几次暴露")),
    ("0.5", _("非常罕见地暴露")),
]
LEC_C_OPTIONS = [
    ("100", _("大灾难，许多人死亡")),
    ("40", _("灾难，数人死亡")),
    ("15", _("非常严重，一人死亡")),
    ("7", _("严重，重伤")),
    ("3", _("重大，致残")),
    ("1", _("引人注目，需要救护")),
]
# LS matrix: L (可能性) and S (严重性), 1–5 each.
LS_L_OPTIONS = [
    (5, _("5 — 很可能（在正常情况下经常发生）")),
    (4, _("4 — 可能（多次发生过）")),
    (3, _("3 — 偶尔（曾经发生过）")),
    (2, _("2 — 不大可能（极少发生）")),
    (1, _("1 — 极不可能（从未发生过）")),
]
LS_S_OPTIONS = [
    (5, _("5 — 特别严重（多人死亡）")),
    (4, _("4 — 严重（一人死亡或多人重伤）")),
    (3, _("3 — 较严重（重伤）")),
    (2, _("2 — 一般（轻伤）")),
    (1, _("1 — 轻微（无伤亡）")),
]
