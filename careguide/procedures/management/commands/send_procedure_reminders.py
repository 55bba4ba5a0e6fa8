from django.core.management.base import BaseCommand

from careguide.procedures.reminders import send_due


class Command(BaseCommand):
    help = "Email the day-before reminders for procedures tomorrow (run once a day, e.g. from cron)."

    def handle(self, *args, **options):
        counts = send_due()
        self.stdout.write(f"Procedure reminders: {counts.sent} sent, {counts.skipped} skipped, {counts.failed} failed.")
