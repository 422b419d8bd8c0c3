"""/risks/ — each part of the risk register in its own URL module, all in the ``risks`` namespace."""

from django.urls import include, path

app_name = "risks"

urlpatterns = [
    path("map/", include("risks.urls_map")),  # 四色图 and its data
    path("white-papers/", include("risks.urls_whitepaper")),  # 风险白皮书
    path("catalogue/", include("risks.urls_catalogue")),  # 产业目录 and 准入筛查
    path("thresholds/", include("risks.urls_thresholds")),  # 等级阈值 (office)
    path("import/", include("risks.urls_import")),
    path("", include("risks.urls_points")),  # 风险清单: list, detail, forms, assessments
]
