"""careguide publish-slots [--days N]: create the appointment slots of the active clinic sessions."""

from django.core.management.base import BaseCommand, CommandError

from careguide.referrals import booking


class Command(BaseCommand):
    help = "Create appointment slots for the next N days from the active clinic sessions (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=booking.DEFAULT_DAYS,
                            help=f"How many days ahead, from today (default {booking.DEFAULT_DAYS}).")

    def handle(self, *args, days, **options):
        try:
            created = booking.publish_slots(days)
        except booking.SlotConfigError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{created} new slot{'s' if created != 1 else ''} published for the next {days} days.")
