"""careguide setup-demo-clinic: the demo oncologist's clinics (Fremont mornings, San Leandro
afternoons, Monday to Friday, 30-minute slots), then the slots for the next weeks.

Idempotent: a session that exists (same clinician, weekday, location and start) is kept.
Run after setup-demo-accounts, which creates the "oncologist" account.
"""

from datetime import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from careguide.audit import service as audit
from careguide.referrals import booking
from careguide.referrals.models import ClinicSession

CLINICIAN = "oncologist"
SESSIONS = [("fremont", time(9), time(12)), ("san-leandro", time(13), time(16))]
WEEKDAYS = range(5)  # Monday to Friday
SLOT_MINUTES = 30
SYSTEM = "setup-demo-clinic"


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def handle(self, *args, **options):
        clinician = get_user_model().objects.filter(username=CLINICIAN).first()
        if clinician is None:
            raise CommandError(f"No account '{CLINICIAN}': run setup-demo-accounts first.")
        known = booking.locations()
        missing = [slug for slug, _, _ in SESSIONS if slug not in known]
        if missing:
            raise CommandError(f"The organization has no location {', '.join(missing)} (content/site.yaml): "
                               "run load-content first.")
        added = 0
        with transaction.atomic():
            for weekday in WEEKDAYS:
                for location, start, end in SESSIONS:
                    session, created = ClinicSession.objects.get_or_create(
                        clinician=clinician, weekday=weekday, location=location, start_time=start,
                        defaults={"end_time": end, "slot_minutes": SLOT_MINUTES, "active": True})
                    if created:
                        added += 1
                        audit.record(None, audit.CREATE, session, detail="clinic session", system=SYSTEM)
        self.stdout.write(f"Demo clinic: {added} new session{'s' if added != 1 else ''}.")
        try:
            published = booking.publish_slots()
        except booking.SlotConfigError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{published} new slot{'s' if published != 1 else ''} published.")
