from .load_content import Command as LoadContent


class Command(LoadContent):
    help = "Hetzelfde als `load_content nijkerk` (de naam van vroeger)."

    def add_arguments(self, parser):
        pass

    def handle(self, *args, **options):
        return super().handle(*args, municipality="nijkerk", **options)
