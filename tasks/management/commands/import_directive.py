"""``manage.py import_directive PATH [--dry-run] [--json]``: read a directive and save it.

The unit directory comes from the database (run ``load_reference`` first). ``--json`` prints
exactly the contract document of DESIGN.md on stdout (whatever else is said goes to stderr).
Saving is a system import (``actor=None``): the operator at the shell stands for the office.
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from tasks.parsing import DirectiveParseError, read_directive_file, to_contract_json
from tasks.services.directives import directive_import, directive_preview


def _one_line(error: ValidationError) -> str:
    return "；".join(" ".join(message.split()) for message in error.messages)


class Command(BaseCommand):
    help = _("读取实施意见文本（.txt 或 .docx），预览或保存其部分、任务、责任单位和节点。")

    def add_arguments(self, parser):
        parser.add_argument("path", help=_("实施意见文件的路径"))
        parser.add_argument("--dry-run", action="store_true", help=_("只读取，不保存"))
        parser.add_argument("--json", action="store_true", help=_("在标准输出打印约定格式的 JSON"))

    def handle(self, *args, **options):
        path, dry_run, as_json = options["path"], options["dry_run"], options["json"]
        try:
            text = read_directive_file(path)
            preview = directive_preview(actor=None, text=text, filename=path)
            directive = None if dry_run else directive_import(actor=None, text=text)
        except DirectiveParseError as error:
            raise CommandError(str(error)) from None
        except ValidationError as error:
            raise CommandError(_one_line(error)) from None
        except DatabaseError as error:
            reason = " ".join(str(error).split())
            raise CommandError(
                _("数据库不可用或尚未初始化（请先运行 migrate 和 load_reference）：%(reason)s")
                % {"reason": reason}
            ) from None
        if as_json:
            self.stdout.write(json.dumps(to_contract_json(preview.parsed), ensure_ascii=False))
        say = self.stderr.write if as_json else self.stdout.write
        say(self.summary(preview, directive))

    def summary(self, preview, directive) -> str:
        counts = {
            "title": preview.parsed.title,
            "sections": len(preview.parsed.sections),
            "tasks": len(preview.tasks),
            "milestones": preview.milestone_count,
            "targets": preview.target_count,
        }
        lines = [
            _(
                "《%(title)s》：%(sections)d个部分，%(tasks)d项任务，%(milestones)d个节点"
                "（其中%(targets)d个量化目标）。"
            )
            % counts
        ]
        lines += [_("提示：%(warning)s") % {"warning": warning} for warning in preview.warnings]
        lines += [_("待处理：%(blocker)s") % {"blocker": b} for b in preview.blockers]
        if preview.existing is not None:
            lines.append(
                _("该文件已导入（编号 %(id)d），未重复导入。") % {"id": preview.existing.pk}
            )
        elif directive is not None:
            lines.append(_("已保存，文件编号 %(id)d。") % {"id": directive.pk})
        else:
            lines.append(_("试运行：未保存。"))
        return "\n".join(lines)
