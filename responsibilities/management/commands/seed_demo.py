import argparse

from django.core.management.base import BaseCommand, CommandError

from responsibilities.demo import seed_demo
from responsibilities.reference import ReferenceDataError


def _count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"应为非负整数：{value}")
    return number


class Command(BaseCommand):
    help = (
        "载入参考数据并生成演示数据（演示账号、网格、生产经营单位，及各应用注册的演示步骤），"
        "可重复运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hazards", type=_count, default=None, help="演示隐患条数（交给隐患应用的演示步骤）"
        )
        parser.add_argument(
            "--risks", type=_count, default=None, help="演示风险点个数（交给风险应用的演示步骤）"
        )

    def handle(self, *args, **options):
        try:
            seed_demo(stdout=self.stdout, hazards=options["hazards"], risks=options["risks"])
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
