"""Other cities write directives in other shapes; the parser reads them too."""

from __future__ import annotations

from datetime import date

import pytest

from tasks.parsing import (
    DirectiveParseError,
    UnitDirectory,
    UnitEntry,
    parse_directive,
    read_directive_file,
    to_contract_json,
)
from tests.tasks.parser_support import CHENGJIANG, county_directory, reference_directory

# A made-up county directive: (一) sub-headings, numbering restarting, 牵头单位/配合单位 with
# full-width punctuation, 县 as the prefix, 各乡镇人民政府, 长期坚持 and 持续推进 with no date.
COUNTY = """\
某某县人民政府办公室
关于推进县城安全发展的实施方案
各乡镇人民政府,县直各部门:
为贯彻落实《中共某某市委办公室 某某市人民政府办公室关于推进城市安全发展的实施意见》（某办发〔2019〕8号）精神,结合我县实际,制定本方案。
一、总体要求
到2020年,全县城市安全发展取得明显进展。
二、重点任务
（一）强化源头管控
1．科学制定规划。将安全发展理念落实到县城总体规划,2019年12月底前完成综合防灾减灾规划修编。（牵头单位：县自然资源局；配合单位：发改局、住建局、各乡镇人民政府；完成时限：2019年12月底前）
2．严格安全准入。严禁在人口密集区周边新建高风险项目。（牵头单位：县应急局；配合单位：县发改局、工信局等相关部门和单位；完成时限：长期坚持）
（二）健全防控机制
1．推进隐患排查治理。到2020年底,全县重点企业安全生产标准化达标率达到100%。每季度开展一次拉网式排查。（牵头单位：县应急局；配合单位：城管局、消防救援大队；完成时限：持续推进）
三、保障措施
1．加强组织领导。各乡镇、各部门要明确责任分工。（责任单位：县应急局、各乡镇人民政府）
2019年5月20日
"""


@pytest.fixture(scope="module")
def county():
    return parse_directive(COUNTY, units=county_directory())


def test_county_title_date_and_implemented_document(county):
    assert county.title == "关于推进县城安全发展的实施方案"
    assert county.issued_on == date(2019, 5, 20)  # the date under the signature
    assert [d.doc_number for d in county.implements] == ["某办发〔2019〕8号"]


def test_county_sub_headings_holding_tasks_become_sections(county):
    assert [(s.number, s.title) for s in county.sections] == [
        ("一", "总体要求"),
        ("二", "重点任务"),
        ("二(一)", "强化源头管控"),
        ("二(二)", "健全防控机制"),
        ("三", "保障措施"),
    ]


def test_county_numbering_restarting_per_heading_keeps_each_task_apart(county):
    assert [(t.section, t.number, t.title) for t in county.tasks] == [
        ("二(一)", "1", "科学制定规划"),
        ("二(一)", "2", "严格安全准入"),
        ("二(二)", "1", "推进隐患排查治理"),
        ("三", "1", "加强组织领导"),
    ]
    assert not [w for w in county.warnings if "编号" in w]


def test_lead_and_co_units_take_the_county_prefix_and_keep_the_township_group(county):
    first, second, third, fourth = county.tasks
    assert first.lead_unit == "县自然资源局"
    assert first.units == ["县自然资源局", "县发改局", "县住建局", "各乡镇人民政府"]
    assert second.units == ["县应急管理局", "县发改局", "县工信局"]
    assert fourth.units == ["县应急管理局", "各乡镇人民政府"]
    assert third.units == ["县应急管理局", "县城管局", "县消防救援大队"]


def test_an_unknown_unit_is_kept_and_reported_with_the_nearest_known_units(county):
    third = county.tasks[2]
    [unknown] = third.unmatched_units
    assert unknown.name == "县城管局"
    assert unknown.suggestions[0] == "县城市管理局"
    assert any("县城管局" in w and "县城市管理局" in w for w in county.warnings)


def test_an_unknown_group_token_is_kept_as_written_without_a_prefix():
    parsed = parse_directive(COUNTY, units=county_directory(with_township_group=False))
    first = parsed.tasks[0]
    assert first.units[-1] == "各乡镇人民政府"
    assert [u.name for u in first.unmatched_units] == ["各乡镇人民政府"]


def test_time_limits_and_open_ended_commitments(county):
    first, second, third, fourth = to_contract_json(county)["tasks"]
    assert [m["due"] for m in first["milestones"]] == ["2019-12-31"]  # 完成时限 repeats it
    assert second["milestones"] == [
        {"due": None, "recurrence": None, "target": None, "text": "长期坚持"}
    ]
    assert third["milestones"] == [
        {
            "due": "2020-12-31",
            "recurrence": None,
            "target": {
                "value": 100,
                "unit": "%",
                "subject": "全县重点企业安全生产标准化达标率",
                "comparator": ">=",
            },
            "text": "到2020年底,全县重点企业安全生产标准化达标率达到100%",
        },
        {
            "due": "2019-06-30",
            "recurrence": {"freq": "yearly", "months": [3, 6, 9, 12]},
            "target": None,
            "text": "每季度开展一次拉网式排查",
        },
        {"due": None, "recurrence": None, "target": None, "text": "持续推进"},
    ]
    assert fourth["milestones"] == []


@pytest.mark.parametrize(
    ("sentence", "due"),
    [
        ("2019年底前完成", "2019-12-31"),
        ("到2019年8月底前完成", "2019-08-31"),
        ("20196月底前完成", "2019-06-30"),
        ("2019年7月10日前完成", "2019-07-10"),
        ("力争到2020年底完成", "2020-12-31"),
        ("2022年前完成", "2022-12-31"),
        ("2020年上半年完成", "2020-06-30"),
        ("2020年第三季度完成", "2020-09-30"),
        ("2019年5月至8月集中整治", "2019-08-31"),
    ],
)
def test_deadlines_read_to_the_last_day_of_the_period_written(sentence, due):
    text = f"一、任务\n1.做好工作。{sentence}。(责任单位:县应急局)"
    parsed = parse_directive(text, units=county_directory(), issued_on=date(2019, 4, 26))
    assert [m.due.isoformat() for m in parsed.tasks[0].milestones] == [due]


@pytest.mark.parametrize(
    ("sentence", "value", "unit", "subject", "comparator"),
    [
        ("2020年底前补建848个市政消火栓", 848, "个", "市政消火栓", ">="),
        ("2019年底前建成50家以上标杆企业", 50, "家", "标杆企业", ">="),
        ("2019年底前建成居民小区电动车停车棚470个", 470, "个", "居民小区电动车停车棚", ">="),
        ("2019年底前事故起数控制在5起以下", 5, "起", "事故起数", "<="),
        ("2019年底前重大隐患整改率达到100%", 100, "%", "重大隐患整改率", ">="),
        ("2019年底前安装率达到99.5%", 99.5, "%", "安装率", ">="),
    ],
)
def test_targets_say_how_many_of_what_and_which_way(sentence, value, unit, subject, comparator):
    text = f"一、任务\n1.做好工作。{sentence}。(责任单位:县应急局)"
    parsed = parse_directive(text, units=county_directory(), issued_on=date(2019, 4, 26))
    [milestone] = parsed.tasks[0].milestones
    target = milestone.target
    assert (target.value, target.unit, target.subject, target.comparator) == (
        value,
        unit,
        subject,
        comparator,
    )


def test_chengjiang_interpretation_finds_the_plans_four_parts_and_its_tasks():
    parsed = parse_directive(read_directive_file(CHENGJIANG), units=reference_directory())
    assert parsed.title == "澄江市推进城市安全发展实施方案"
    assert [doc.doc_number for doc in parsed.implements] == [
        "云办发〔2019〕19号",
        "玉办通〔2019〕22号",
    ]
    parts = [(s.number, s.title) for s in parsed.sections if "(" not in s.number]
    assert parts == [("一", "总体要求"), ("二", "主要任务"), ("三", "建设步骤"), ("四", "保障措施")]
    main = [(t.section, t.title) for t in parsed.tasks if t.section.startswith("二(")]
    assert main == [
        ("二(一)", "科学制定规划"),
        ("二(一)", "严格执行安全法规和标准"),
        ("二(一)", "加强基础设施安全管理"),
        ("二(一)", "加快重点产业安全改造升级"),
        ("二(二)", "强化安全风险管控"),
        ("二(二)", "推进隐患排查治理"),
        ("二(二)", "提升应急救援管理水平"),
        ("二(三)", "落实安全生产责任"),
        ("二(三)", "完善安全监管体制"),
        ("二(三)", "提升城市安全监管执法能力"),
        ("二(三)", "严格规范监管执法"),
        ("二(四)", "健全社会化服务体系"),
        ("二(四)", "推广安全科技创新应用"),
        ("二(四)", "提升市民安全素质技能"),
    ]
    assert [t.title for t in parsed.tasks if t.section == "四"] == [
        "强化组织领导",
        "强化协同联动",
        "资金依据事权与支出责任",
        "强化考核问效",
    ]


def test_unit_directory_matches_names_short_names_and_aliases():
    directory = reference_directory()
    assert directory.match("市场监管局") == "市市场监管局"
    assert directory.match("市场监督管理局") == "市市场监管局"
    assert directory.match(" 住建 局") == "市住建局"
    assert directory.match("各镇(街区)") == "各镇街区"
    assert directory.match("市城管局") is None
    assert "市综合行政执法局" in directory.suggest("市综合执法大队")


def test_a_spelling_two_units_share_matches_neither():
    directory = UnitDirectory(
        [UnitEntry("市甲局", ("甲局", "同名局")), UnitEntry("市乙局", ("乙局", "同名局"))]
    )
    assert directory.match("同名局") is None
    assert directory.match("甲局") == "市甲局"


def test_a_lost_comma_between_two_known_units_is_split():
    text = "一、任务\n1.做好工作。(责任单位:市应急管理局、综合行政执法局交通局等部门、单位)"
    [task] = parse_directive(text, units=reference_directory()).tasks
    assert task.units == ["市应急管理局", "市综合行政执法局", "市交通局"]
    assert task.unmatched_units == []


@pytest.mark.parametrize(
    "clause",
    [
        "(责任单位:市住建局、发改局等部门、单位)",
        "(责任单位:市住建局、发改局等相关部门和单位)",
        "(责任单位:市住建局、发改局",  # the closing bracket lost, as in Shouguang task 1
        "责任单位:市住建局、发改局)",  # the opening bracket lost
        "（责任单位：市住建局、发改局等部门、单位）",
    ],
)
def test_responsibility_clause_variants_give_the_same_units(clause):
    text = f"一、任务\n1.做好工作。2019年底前完成。{clause}"
    [task] = parse_directive(text, units=reference_directory()).tasks
    assert (task.lead_unit, task.units) == ("市住建局", ["市住建局", "市发改局"])
    assert "责任单位" not in task.body


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "文本为空"),
        (" \n\u3000\n", "文本为空"),
        ("\x00\x01\x02binary\x00", "二进制"),
        ("关于做好安全工作的通知\n各单位:请做好安全生产工作。", "没有找到编号的任务"),
    ],
)
def test_bad_input_is_refused_with_a_one_line_reason(text, reason):
    with pytest.raises(DirectiveParseError) as refused:
        parse_directive(text, units=reference_directory())
    assert reason in str(refused.value)
    assert "\n" not in str(refused.value)


def test_a_short_directive_without_parts_still_gives_its_numbered_tasks():
    text = (
        "关于做好汛期安全工作的通知\n"
        "各镇街区、各部门:\n"
        "1.开展隐患排查。2019年6月底前完成排查。(责任单位:市住建局、各镇街区)\n"
        "2.加强应急值守。(责任单位:市应急管理局)\n"
    )
    parsed = parse_directive(text, units=reference_directory(), issued_on=date(2019, 5, 1))
    assert parsed.title == "关于做好汛期安全工作的通知"
    assert parsed.sections == []
    assert [(t.section, t.number, t.title, t.units) for t in parsed.tasks] == [
        ("", "1", "开展隐患排查", ["市住建局", "各镇街区"]),
        ("", "2", "加强应急值守", ["市应急管理局"]),
    ]


def test_responsibility_fields_on_lines_of_their_own():
    text = (
        "一、主要任务\n"
        "1.加强应急值守。汛期实行24小时值班。\n"
        "牵头单位:市应急管理局\n"
        "配合单位:住建局、各镇(街区)\n"
        "完成时限:2019年8月底前\n"
        "2.开展隐患排查。(责任单位:市住建局、各镇(街区)、交通局)\n"
    )
    first, second = parse_directive(text, units=reference_directory()).tasks
    assert first.units == ["市应急管理局", "市住建局", "各镇街区"]
    assert [m.due for m in first.milestones] == [date(2019, 8, 31)]
    assert first.body == "汛期实行24小时值班。"
    assert second.units == ["市住建局", "各镇街区", "市交通局"]
