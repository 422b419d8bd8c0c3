from django.core.management.base import BaseCommand, CommandError

from responsibilities.reference import ReferenceDataError, load_reference


class Command(BaseCommand):
    help = "载入参考数据（寿光的单位及别名、镇街区、单位组、行业和安全监管责任分工），可重复运行。"

    def handle(self, *args, **options):
        try:
            load_reference(stdout=self.stdout)
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
