"""Emergency preparedness's fixed vocabularies (应急预案、演练、队伍、物资、避难场所)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanType(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("综合应急预案")
    SPECIAL = "special", _("专项应急预案")
    DEPARTMENT = "department", _("部门应急预案")
    ONSITE = "onsite", _("现场处置方案")


class PlanOwnerKind(models.TextChoices):
    CITY = "city", _("市级")
    TOWNSHIP = "township", _("镇街区")
    BUREAU = "bureau", _("部门")
    INDUSTRY = "industry", _("行业")
    ENTERPRISE = "enterprise", _("生产经营单位")


class PlanState(models.TextChoices):
    DRAFT = "draft", _("编制中")
    IN_FORCE = "in_force", _("现行有效")
    SUPERSEDED = "superseded", _("已修订替代")
    WITHDRAWN = "withdrawn", _("已废止")


class ReviewKind(models.TextChoices):
    REVIEW = "review", _("评审")
    DEMONSTRATION = "demonstration", _("论证")


class ReviewResult(models.TextChoices):
    PASSED = "passed", _("通过")
    PASSED_WITH_CHANGES = "passed_with_changes", _("修改后通过")
    FAILED = "failed", _("未通过")


class DrillForm(models.TextChoices):
    TABLETOP = "tabletop", _("桌面推演")
    LIVE = "live", _("实战演练")


class DrillScale(models.TextChoices):
    CITY = "city", _("市级")
    TOWNSHIP = "township", _("镇街区级")
    DEPARTMENT = "department", _("部门级")
    ENTERPRISE = "enterprise", _("企业级")
    WORKSHOP = "workshop", _("车间（班组）级")


class DrillEvaluation(models.TextChoices):
    GOOD = "good", _("优秀")
    ADEQUATE = "adequate", _("合格")
    POOR = "poor", _("不合格")


class TeamKind(models.TextChoices):
    PROFESSIONAL = "professional", _("专业救援队伍")
    ENTERPRISE = "enterprise", _("企业救援队伍")
    SOCIAL = "social", _("社会救援力量")
    VOLUNTEER = "volunteer", _("志愿者队伍")


class TeamSpecialty(models.TextChoices):
    FIRE = "fire", _("消防救援")
    HAZCHEM = "hazchem", _("危险化学品")
    MINE = "mine", _("矿山")
    WATER = "water", _("水上（海上）搜救")
    FLOOD = "flood", _("防汛抗旱")
    FOREST = "forest", _("森林防火")
    MEDICAL = "medical", _("医疗救护")
    UTILITY = "utility", _("供水供电供气抢修")
    CONSTRUCTION = "construction", _("建筑工程抢险")
    GENERAL = "general", _("综合")


class Readiness(models.TextChoices):
    READY = "ready", _("随时待命")
    LIMITED = "limited", _("部分可用")
    UNAVAILABLE = "unavailable", _("暂不可用")


class StockCategory(models.TextChoices):
    PROTECTIVE = "protective", _("防护用品")
    LIFESAVING = "lifesaving", _("生命救助")
    RESCUE_TOOLS = "rescue_tools", _("抢险救援工具")
    FIREFIGHTING = "firefighting", _("消防器材")
    FLOOD = "flood", _("防汛物资")
    LIGHTING_COMMS = "lighting_comms", _("照明通信")
    LIVING = "living", _("生活保障")
    MEDICAL = "medical", _("医疗药品")
    HAZCHEM = "hazchem", _("危化品处置")
    OTHER = "other", _("其他")


class MovementKind(models.TextChoices):
    IN = "in", _("入库")
    OUT = "out", _("出库")
    LOSS = "loss", _("损耗报废")


class ShelterType(models.TextChoices):
    SQUARE = "square", _("广场")
    SCHOOL = "school", _("学校操场")
    PARK = "park", _("公园绿地")
    STADIUM = "stadium", _("体育场馆")
    INDOOR = "indoor", _("室内场所")


class ShelterCategory(models.TextChoices):
    """GB 21734 classes by how long people stay."""

    CLASS_I = "I", _("Ⅰ类（长期）")
    CLASS_II = "II", _("Ⅱ类（中期）")
    CLASS_III = "III", _("Ⅲ类（紧急）")


class ShelterFacility(models.TextChoices):
    WATER = "water", _("应急供水")
    POWER = "power", _("应急供电")
    TOILET = "toilet", _("应急厕所")
    MEDICAL = "medical", _("医疗救护")
    BROADCAST = "broadcast", _("应急广播")
    STORAGE = "storage", _("物资储备")
    LIGHTING = "lighting", _("应急照明")
    FIRE = "fire", _("消防设施")
    TENT_AREA = "tent_area", _("帐篷搭建区")
    HELIPAD = "helipad", _("直升机停机坪")
