"""The 督办单 as a formal document: one content, two renderings — the A4 print page (HTML)
and the Word file (.docx, python-docx), so what is printed and what is downloaded agree."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from responsibilities.models import OrgUnit

from .models import SupervisionNotice

DEFAULT_ISSUER = "安委会办公室"
CC = "安委办"
# Serif CJK faces as Chinese official documents use them (仿宋 body, 小标宋/宋体 headings).
BODY_FONT = "仿宋"
TITLE_FONT = "宋体"


def chinese_date(day: datetime.date | None) -> str:
    """2019年7月1日 — dates on official documents carry no leading zeros."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def issuer_name() -> str:
    """The office unit that signs notices (kind "office"); the generic name when none is set up."""
    office = (
        OrgUnit.objects.filter(kind=OrgUnit.Kind.OFFICE, is_active=True)
        .order_by("sort_order", "pk")
        .values_list("name", flat=True)
        .first()
    )
    return office or DEFAULT_ISSUER


@dataclass(frozen=True)
class NoticeDocument:
    """What a 督办单 says, in the order the printed document says it."""

    issuer: str
    number: str
    addressee: str
    item: str
    item_text: str
    due_on: str
    situation: str
    requirement: str
    co_units: str
    cc: str
    issued_on: str
    state: str
    replied: bool
    reply_reason: str
    reply_measures: str
    committed_on: str
    replied_on: str
    replied_by: str
    closed: bool
    close_comment: str
    closed_on: str
    interview_required: bool


def _person(user) -> str:
    if user is None:
        return ""
    profile = getattr(user, "profile", None)
    return (getattr(profile, "full_name", "") if profile else "") or user.get_username()


def notice_document(notice: SupervisionNotice, *, issuer: str | None = None) -> NoticeDocument:
    late_days = (notice.issued_on - notice.due_on).days
    replied_on = timezone.localdate(notice.replied_at) if notice.replied_at else None
    closed_on = timezone.localdate(notice.closed_at) if notice.closed_at else None
    return NoticeDocument(
        issuer=issuer or issuer_name(),
        number=notice.number,
        addressee=notice.unit.name,
        item=notice.item_title,
        item_text=notice.item_text,
        due_on=chinese_date(notice.due_on),
        situation=_(
            "你单位负责的“%(item)s”原定完成时限为%(due)s，截至%(issued)s仍未完成，"
            "自%(since)s起已逾期%(days)d天。"
        )
        % {
            "item": notice.item_title,
            "due": chinese_date(notice.due_on),
            "issued": chinese_date(notice.issued_on),
            "since": chinese_date(notice.due_on + datetime.timedelta(days=1)),
            "days": max(late_days, 0),
        },
        requirement=_(
            "请于%(date)s前将逾期原因、整改措施及承诺完成日期书面反馈安委办，并抓紧推进落实。"
        )
        % {"date": chinese_date(notice.response_due_on)},
        co_units=notice.co_unit_names,
        cc=CC,
        issued_on=chinese_date(notice.issued_on),
        state=notice.get_state_display(),
        replied=notice.replied_at is not None,
        reply_reason=notice.reply_reason,
        reply_measures=notice.reply_measures,
        committed_on=chinese_date(notice.committed_on),
        replied_on=chinese_date(replied_on),
        replied_by=_person(notice.replied_by) if notice.replied_by_id else "",
        closed=notice.closed_at is not None,
        close_comment=notice.close_comment,
        closed_on=chinese_date(closed_on),
        interview_required=notice.interview_required,
    )


# --- Word -------------------------------------------------------------------------------------

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_filename(notice: SupervisionNotice) -> str:
    return f"督办单-{notice.number}.docx"


def notice_docx(document: NoticeDocument) -> bytes:
    """The notice as an A4 Word document (margins 2.5 cm × 2.6 cm, red header, 仿宋 body)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    red = RGBColor(0xC0, 0x00, 0x00)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.6)

    def run(paragraph, text, *, size=16, bold=False, color=None, font=BODY_FONT):
        r = paragraph.add_run(text)
        r.font.size = Pt(size)
        r.font.bold = bold
        r.font.name = font
        r._element.rPr.rFonts.set(qn("w:eastAsia"), font)  # CJK text ignores font.name
        if color is not None:
            r.font.color.rgb = color
        return r

    def paragraph(text="", *, align=None, indent=True, **style):
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        if indent and align is None:
            p.paragraph_format.first_line_indent = Pt(32)  # two characters
        if text:
            run(p, text, **style)
        return p

    def labelled(label, text):
        p = paragraph(indent=False)
        run(p, label, bold=True)
        run(p, text)
        return p

    header = paragraph(align=WD_ALIGN_PARAGRAPH.CENTER)
    run(header, document.issuer, size=22, bold=True, color=red, font=TITLE_FONT)
    title = paragraph(align=WD_ALIGN_PARAGRAPH.CENTER)
    run(title, _("督 办 单"), size=26, bold=True, color=red, font=TITLE_FONT)
    number = paragraph(align=WD_ALIGN_PARAGRAPH.CENTER)
    run(number, document.number)
    # The red rule under the header, as a bottom border of the number's paragraph.
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in {
        "w:val": "single",
        "w:sz": "18",
        "w:space": "6",
        "w:color": "C00000",
    }.items():
        bottom.set(qn(key), value)
    borders.append(bottom)
    number._p.get_or_add_pPr().append(borders)

    paragraph(_("%(unit)s：") % {"unit": document.addressee}, indent=False)
    labelled(_("督办事项："), document.item)
    if document.item_text and document.item_text != document.item:
        paragraph(document.item_text)
    labelled(_("原定完成时限："), document.due_on)
    labelled(_("情况说明："), "")
    paragraph(document.situation)
    labelled(_("反馈要求："), "")
    paragraph(document.requirement)
    if document.co_units:
        labelled(_("配合单位："), document.co_units)
    if document.interview_required:
        labelled(_("升级督办："), _("已逾期未办结，列入约谈。"))
    paragraph()
    paragraph(document.issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(document.issued_on, align=WD_ALIGN_PARAGRAPH.RIGHT)

    if document.replied:
        paragraph()
        reply = paragraph(align=WD_ALIGN_PARAGRAPH.CENTER)
        run(reply, _("反馈情况"), size=18, bold=True, font=TITLE_FONT)
        labelled(_("逾期原因："), document.reply_reason)
        labelled(_("整改措施："), document.reply_measures)
        labelled(_("承诺完成日期："), document.committed_on)
        labelled(_("反馈人："), f"{document.replied_by}（{document.replied_on}）")
    if document.closed:
        labelled(_("办结意见："), f"{document.close_comment}（{document.closed_on}）")

    paragraph()
    paragraph(_("抄送：%(cc)s") % {"cc": document.cc}, indent=False, size=14)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
