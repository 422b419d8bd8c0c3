"""Reference data: Shouguang's units and townships, group tokens, duties, and the loader."""

from __future__ import annotations

import itertools
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from portal.permissions import GLOBAL_ROLES
from responsibilities import reference
from responsibilities.models import Industry, OrgUnit, SupervisionDuty, UnitGroup
from responsibilities.reference import (
    TOWNSHIPS_GEOJSON,
    ReferenceDataError,
    load_reference,
    register_reference_step,
)
from responsibilities.selectors import expand_unit_group, normalize_unit_name

DIRECTIVE = (
    Path(settings.BASE_DIR) / "fixtures/directives/shouguang-urban-safety-directive-2019.txt"
)
REFERENCE_MODELS = (OrgUnit, UnitGroup, Industry, SupervisionDuty)
TOWNSHIPS = [
    "圣城街道",
    "文家街道",
    "古城街道",
    "洛城街道",
    "孙家集街道",
    "化龙镇",
    "营里镇",
    "台头镇",
    "田柳镇",
    "上口镇",
    "侯镇",
    "纪台镇",
    "稻田镇",
    "羊口镇",
    "寿光经济开发区",
    "双王城生态经济园区",
]
# Shouguang's box, with a margin: 36.7–37.2N, 118.5–119.1E.
LAT_RANGE, LON_RANGE = (36.6, 37.3), (118.4, 119.2)


def _snapshot() -> dict[str, int]:
    counts = {"auth groups": Group.objects.count()}
    for model in REFERENCE_MODELS:
        counts[model.__name__] = model.objects.count()
        counts[f"{model.__name__} history"] = model.history.count()
    return counts


def _directive_unit_lists() -> list[list[str]]:
    """Each ``(责任单位:…)`` list of the directive, split on 、 with 等部门、单位 stripped.

    Task 1 and task 31 lost their closing bracket: a list runs to ``)`` or the end of the line.
    """
    text = DIRECTIVE.read_text(encoding="utf-8")
    lists = []
    for match in re.finditer(r"\(责任单位:([^)\n]*)", text):
        names = re.sub(r"等部门、单位\s*$", "", match.group(1).strip())
        lists.append([n.strip() for n in re.split(r"[、,]", names) if n.strip()])
    return lists


def _with_prefix(name: str) -> str:
    """The directive's rule: the first unit carries 市, the rest inherit it."""
    return name if name.startswith("市") or "市委" in name else "市" + name


def _units_answering(name: str) -> set[str]:
    key = normalize_unit_name(name)
    return {
        unit.name
        for unit in OrgUnit.objects.all()
        if key in {normalize_unit_name(n) for n in (unit.name, unit.short_name, *unit.aliases)}
    }


def _groups_answering(name: str) -> set[str]:
    key = normalize_unit_name(name)
    return {
        group.name
        for group in UnitGroup.objects.all()
        if key in {normalize_unit_name(n) for n in (group.name, *group.aliases)}
    }


@pytest.fixture
def loaded(db):
    load_reference()


# --- the loader ------------------------------------------------------------------------------


def test_load_reference_twice_changes_nothing_and_writes_no_history_the_second_time(db):
    first = load_reference()
    after_first = _snapshot()
    second = load_reference()

    assert _snapshot() == after_first
    assert second["created"] == 0 and second["updated"] == 0
    assert second["units"] == first["units"] and second["unchanged"] > 0
    assert all(after_first[f"{model.__name__} history"] > 0 for model in REFERENCE_MODELS)


def test_load_reference_command_prints_a_summary(db):
    out = StringIO()
    call_command("load_reference", stdout=out)
    assert "单位 52 个（镇街区 16 个）" in out.getvalue()


def test_every_unit_gets_its_own_auth_group_and_the_global_roles_exist(loaded):
    assert set(GLOBAL_ROLES) <= set(Group.objects.values_list("name", flat=True))
    for unit in OrgUnit.objects.all():
        assert unit.group is not None and unit.group.name == f"unit:{unit.pk}"


def test_reloading_restores_a_changed_field_and_keeps_aliases_the_office_added(loaded):
    unit = OrgUnit.objects.get(name="市住建局")
    unit.kind = OrgUnit.Kind.COMPANY
    unit.aliases = [*unit.aliases, "住建"]
    unit.save()
    history_before = unit.history.count()

    counts = load_reference()

    unit.refresh_from_db()
    assert counts["updated"] == 1
    assert unit.kind == OrgUnit.Kind.BUREAU
    assert unit.aliases[0] == "住建局" and "住建" in unit.aliases
    assert unit.history.count() == history_before + 1


def test_official_township_figures_are_not_overwritten_by_the_sample(loaded):
    houzhen = OrgUnit.objects.get(name="侯镇")
    assert houzhen.is_sample_data
    houzhen.population, houzhen.is_sample_data = 123456, False
    houzhen.save()

    load_reference()

    houzhen.refresh_from_db()
    assert (houzhen.population, houzhen.is_sample_data) == (123456, False)


def test_a_bad_reference_file_names_the_row_and_changes_nothing(db, tmp_path):
    source = reference.REFERENCE_DIR
    for path in source.glob("*.json"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    data = json.loads((tmp_path / "supervision_duties.json").read_text(encoding="utf-8"))
    data["duties"][3]["unit"] = "市不存在局"
    (tmp_path / "supervision_duties.json").write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(ReferenceDataError, match=r"supervision_duties.json 第4条.*市不存在局"):
        load_reference(directory=tmp_path)

    assert OrgUnit.objects.count() == 0 and Industry.objects.count() == 0


def test_a_name_two_units_share_is_refused(db, tmp_path):
    for path in reference.REFERENCE_DIR.glob("*.json"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    data = json.loads((tmp_path / "units.json").read_text(encoding="utf-8"))
    data["units"][2]["aliases"].append("住建局")
    (tmp_path / "units.json").write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(ReferenceDataError, match="住建局"):
        load_reference(directory=tmp_path)


def test_load_reference_command_reports_bad_data_as_an_error(db, monkeypatch, tmp_path):
    monkeypatch.setattr(reference, "REFERENCE_DIR", tmp_path)
    (tmp_path / "units.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(reference, "BUILTIN_STEPS", [("units", reference.load_units)])
    with pytest.raises(CommandError, match=r"units\.json"):
        call_command("load_reference", stdout=StringIO())


def test_registered_steps_run_after_the_built_in_ones(db, monkeypatch):
    monkeypatch.setattr(reference, "_registered_steps", {})
    seen = []

    def thresholds(load):
        rows = load.rows("risk_thresholds.json", "thresholds")
        seen.append((OrgUnit.objects.count(), len(rows)))
        load.count("risk_thresholds", len(rows))

    register_reference_step("risk_thresholds", thresholds)
    counts = load_reference()

    assert seen == [(52, 8)]
    assert counts["risk_thresholds"] == 8 and counts["steps"] == len(reference.BUILTIN_STEPS) + 1


# --- the data --------------------------------------------------------------------------------


def test_every_unit_in_the_directives_responsibility_lists_resolves_to_one_unit(loaded):
    lists = _directive_unit_lists()
    assert len(lists) == 31  # tasks 1–31; 32–34 name no units

    for names in lists:
        for name in names:
            if _groups_answering(name):
                assert len(_groups_answering(name)) == 1, name
                continue
            if name == "综合行政执法局交通局":  # a lost 、 in task 2: two units
                parts = ["综合行政执法局", "交通局"]
            else:
                parts = [name]
            for part in parts:
                found = _units_answering(_with_prefix(part)) or _units_answering(part)
                assert len(found) == 1, (name, part, found)


def test_units_named_in_the_text_outside_the_lists_are_known(loaded):
    for name in ("市编办", "统计局", "市应急管理局", "工信局", "商务局", "民政局"):
        assert len(_units_answering(name) or _units_answering("市" + name)) == 1, name


def test_no_spelling_is_shared_by_two_units(loaded):
    owners = {}
    for unit in OrgUnit.objects.all():
        for spelling in {unit.name, unit.short_name, *unit.aliases} - {""}:
            key = normalize_unit_name(spelling)
            assert owners.setdefault(key, unit.name) == unit.name, spelling


def test_canonical_names_follow_the_directives_prefix_rule(loaded):
    for written, canonical in {
        "发改局": "市发改局",
        "住建局": "市住建局",
        "自然资源和规划局": "市自然资源和规划局",
        "市场监管局": "市市场监管局",
        "应急局": "市应急管理局",
        "消防救援大队": "市消防大队",
        "潍坊市生态环境局寿光分局": "市环保局",
        "安委办": "市安委办",
    }.items():
        assert _units_answering(written) == {canonical}


def test_group_tokens_expand_to_townships_and_committee_members(loaded):
    townships = UnitGroup.objects.get(name="各镇街区")
    committee = UnitGroup.objects.get(name="安委会成员单位")

    assert _groups_answering("各镇(街道、园区)") == {"各镇街区"}
    assert _groups_answering("市安委会成员单位") == {"安委会成员单位"}
    assert set(expand_unit_group(townships).values_list("name", flat=True)) == set(TOWNSHIPS)
    members = set(expand_unit_group(committee).values_list("name", flat=True))
    assert {"市住建局", "市应急管理局", "市消防大队"} <= members
    assert not members & set(TOWNSHIPS) and "市安委办" not in members


def test_shouguangs_sixteen_townships_are_present_with_sample_figures(loaded):
    townships = OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP)
    assert sorted(townships.values_list("name", flat=True)) == sorted(TOWNSHIPS)
    assert all(t.is_sample_data and t.population and t.area_km2 for t in townships)
    assert _units_answering("羊口") == {"羊口镇"} and _units_answering("开发区") == {
        "寿光经济开发区"
    }


def test_every_industry_has_an_industry_and_a_professional_supervisor(loaded):
    for industry in Industry.objects.prefetch_related("duties"):
        kinds = {duty.kind for duty in industry.duties.all()}
        assert kinds == {"industry", "professional"}, industry.name
    hazchem = SupervisionDuty.objects.get(industry__name="危险化学品", kind="professional")
    assert hazchem.unit.name == "市应急管理局" and "示例" in hazchem.source


def test_risk_thresholds_file_holds_the_default_levels():
    data = json.loads((reference.REFERENCE_DIR / "risk_thresholds.json").read_text("utf-8"))
    rows = {(r["method"], r["level"]): r for r in data["thresholds"]}
    assert [rows[("LEC", lvl)]["min_score"] for lvl in ("red", "orange", "yellow", "blue")] == [
        320,
        160,
        70,
        0,
    ]
    assert [
        (rows[("LS", lvl)]["min_score"], rows[("LS", lvl)]["max_score"])
        for lvl in ("red", "orange", "yellow", "blue")
    ] == [(20, 25), (15, 16), (9, 12), (1, 8)]


def test_every_reference_file_says_where_it_comes_from():
    for path in [*reference.REFERENCE_DIR.glob("*.json"), TOWNSHIPS_GEOJSON]:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data.get("source") and data.get("note"), path.name


# --- the township map ------------------------------------------------------------------------


def test_townships_geojson_is_one_closed_polygon_per_township_inside_shouguang():
    data = json.loads(TOWNSHIPS_GEOJSON.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    names = [f["properties"]["name"] for f in data["features"]]
    assert sorted(names) == sorted(TOWNSHIPS)
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        assert feature["properties"]["approximate"] is True
        assert feature["properties"]["kind"] == "township"
        assert feature["geometry"]["type"] == "Polygon"
        for ring in feature["geometry"]["coordinates"]:
            assert len(ring) >= 4 and ring[0] == ring[-1], feature["properties"]["name"]
            for lon, lat in ring:
                assert LON_RANGE[0] < lon < LON_RANGE[1] and LAT_RANGE[0] < lat < LAT_RANGE[1]


def test_township_polygons_do_not_overlap():
    """Sampled: a point of one township's interior lies in no other township."""
    data = json.loads(TOWNSHIPS_GEOJSON.read_text(encoding="utf-8"))
    rings = {f["properties"]["name"]: f["geometry"]["coordinates"][0] for f in data["features"]}
    step = 0.01
    lat = LAT_RANGE[0]
    while lat < LAT_RANGE[1]:
        lon = LON_RANGE[0]
        while lon < LON_RANGE[1]:
            inside = [name for name, ring in rings.items() if _contains(ring, lon, lat)]
            assert len(inside) <= 1, (lon, lat, inside)
            lon += step
        lat += step


def _contains(ring, x, y) -> bool:
    result = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            result = not result
    return result
