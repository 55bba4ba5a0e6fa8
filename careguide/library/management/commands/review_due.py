from django.core.management.base import BaseCommand

from careguide.library.review import DUE_SOON_DAYS, pages_due


class Command(BaseCommand):
    help = "List live library pages whose clinical review is due soon, overdue or never done."

    def add_arguments(self, parser):
        parser.add_argument("--within", type=int, default=DUE_SOON_DAYS,
                            help=f"days ahead that count as due (default {DUE_SOON_DAYS})")

    def handle(self, *args, within, **options):
        items = pages_due(within_days=within)
        if not items:
            self.stdout.write("No library pages are due for review.")
            return
        labels = {"overdue": "OVERDUE", "due-soon": "due", "never-reviewed": "never reviewed"}
        for item in items:
            due = item.due.isoformat() if item.due else "-"
            url = item.page.get_url() or item.page.url_path
            self.stdout.write(f"{labels[item.status]:<15} {due:<10}  {url}  {item.page.title}")
        self.stdout.write(f"{len(items)} page(s) need review.")
