from django.core.management.base import BaseCommand

from clips.code_recheck import code_problems_recheck
from clips.models import Clip
from generations.models import Generation


class Command(BaseCommand):
    help = "Re-validate every clip's and generation's code; mark (never delete) the rows that fail."

    def handle(self, *args, **options):
        for model in (Clip, Generation):
            checked, marked = code_problems_recheck(model)
            label = model._meta.verbose_name_plural
            self.stdout.write(f"{label}: {checked} checked, {marked} with a code problem")
