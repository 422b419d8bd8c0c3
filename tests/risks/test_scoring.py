"""LEC and LS arithmetic against hand-worked examples, and the default bands at every boundary.

Worked by hand from the standard tables: D = L × E × C (LEC) and R = L × S (LS), graded by
DESIGN.md's defaults — LEC ≥320 重大 red, ≥160 较大 orange, ≥70 一般 yellow, else 低 blue;
LS 20–25 red, 15–16 orange, 9–12 yellow, 1–8 blue.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from risks.services import compute_score, level_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("l_value", "e_value", "c_value", "score", "level"),
    [
        # 液氯储罐区: 相当可能 × 每天暴露 × 一人死亡 = 6 × 6 × 15
        ("6", "6", "15", "540", "red"),
        # 10 × 6 × 7 = 420, 重大
        ("10", "6", "7", "420", "red"),
        # 3 × 6 × 15 = 270: below 320, 较大
        ("3", "6", "15", "270", "orange"),
        # 10 × 3 × 7 = 210, 较大
        ("10", "3", "7", "210", "orange"),
        # 3 × 6 × 7 = 126: below 160, 一般
        ("3", "6", "7", "126", "yellow"),
        # 1 × 10 × 7 = 70: exactly the yellow threshold, 一般
        ("1", "10", "7", "70", "yellow"),
        # 1 × 6 × 15 = 90, 一般
        ("1", "6", "15", "90", "yellow"),
        # 3 × 3 × 7 = 63: below 70, 低
        ("3", "3", "7", "63", "blue"),
        # 0.5 × 6 × 3 = 9, 低
        ("0.5", "6", "3", "9", "blue"),
        # 0.1 × 0.5 × 1 = 0.05: the smallest possible, 低
        ("0.1", "0.5", "1", "0.05", "blue"),
        # 10 × 10 × 100 = 10000: the largest possible, 重大
        ("10", "10", "100", "10000", "red"),
    ],
)
def test_lec_score_is_the_product_and_graded_by_the_default_bands(
    l_value, e_value, c_value, score, level
):
    computed = compute_score("LEC", likelihood=l_value, exposure=e_value, consequence=c_value)
    assert computed == Decimal(score)
    assert level_for("LEC", computed) == level


@pytest.mark.parametrize(
    ("score", "level"),
    [
        ("320", "red"),
        ("319.99", "orange"),
        ("160", "orange"),
        ("159.99", "yellow"),
        ("70", "yellow"),
        ("69.99", "blue"),
        ("0", "blue"),
    ],
)
def test_lec_bands_at_each_boundary(score, level):
    assert level_for("LEC", Decimal(score)) == level


# Hand-written: the level of every cell of the 5 × 5 matrix (rows L = 1…5, columns S = 1…5).
LS_MATRIX = {
    1: ["blue", "blue", "blue", "blue", "blue"],  # 1 2 3 4 5
    2: ["blue", "blue", "blue", "blue", "yellow"],  # 2 4 6 8 10
    3: ["blue", "blue", "yellow", "yellow", "orange"],  # 3 6 9 12 15
    4: ["blue", "blue", "yellow", "orange", "red"],  # 4 8 12 16 20
    5: ["blue", "yellow", "orange", "red", "red"],  # 5 10 15 20 25
}


@pytest.mark.parametrize("likelihood", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("severity", [1, 2, 3, 4, 5])
def test_every_cell_of_the_ls_matrix(likelihood, severity):
    score = compute_score("LS", likelihood=likelihood, severity=severity)
    assert score == Decimal(likelihood * severity)
    assert level_for("LS", score) == LS_MATRIX[likelihood][severity - 1]


@pytest.mark.parametrize(
    ("score", "level"),
    [
        ("25", "red"),
        ("20", "red"),
        ("16", "orange"),
        ("15", "orange"),
        ("12", "yellow"),
        ("9", "yellow"),
        ("8", "blue"),
        ("1", "blue"),
    ],
)
def test_ls_bands_at_each_boundary(score, level):
    assert level_for("LS", Decimal(score)) == level


def test_a_score_outside_every_band_is_refused_not_guessed():
    # 26 cannot come out of the matrix; a hand-made score above the red band has no level.
    with pytest.raises(ValidationError, match="不在LS法任何等级的阈值范围内"):
        level_for("LS", Decimal("26"))


@pytest.mark.parametrize(
    ("inputs", "field", "message"),
    [
        ({"likelihood": "4", "exposure": "6", "consequence": "15"}, "likelihood", "标准取值"),
        ({"likelihood": "6", "exposure": "5", "consequence": "15"}, "exposure", "标准取值"),
        ({"likelihood": "6", "exposure": "6", "consequence": "20"}, "consequence", "标准取值"),
        ({"likelihood": "六", "exposure": "6", "consequence": "15"}, "likelihood", "不是数字"),
        ({"likelihood": "6", "exposure": "", "consequence": "15"}, "exposure", "请填写E值"),
    ],
)
def test_lec_inputs_outside_the_standard_tables_are_refused_naming_the_field(
    inputs, field, message
):
    with pytest.raises(ValidationError) as caught:
        compute_score("LEC", **inputs)
    assert field in caught.value.message_dict
    assert message in caught.value.message_dict[field][0]


@pytest.mark.parametrize(
    ("likelihood", "severity", "field"),
    [(0, 3, "likelihood"), (6, 3, "likelihood"), (3, "2.5", "severity"), (3, None, "severity")],
)
def test_ls_inputs_must_be_whole_numbers_from_one_to_five(likelihood, severity, field):
    with pytest.raises(ValidationError) as caught:
        compute_score("LS", likelihood=likelihood, severity=severity)
    assert field in caught.value.message_dict


def test_an_unknown_method_is_refused():
    with pytest.raises(ValidationError) as caught:
        compute_score("HAZOP", likelihood=1)
    assert "method" in caught.value.message_dict


def test_without_thresholds_grading_says_what_to_do(risk_thresholds):
    from risks.models import RiskThreshold

    RiskThreshold.objects.filter(method="LS").delete()
    with pytest.raises(ValidationError, match="load_reference"):
        level_for("LS", Decimal("9"))
