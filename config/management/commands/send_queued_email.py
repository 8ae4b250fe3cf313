"""Send whatever in the e-mail outbox is due: for a deployment with no Celery worker, from cron."""

from django.core.management.base import BaseCommand

from config.mail import send_due


class Command(BaseCommand):
    help = "Send the e-mail in the outbox that is due (retries included)."

    def handle(self, *args, **options):
        outcomes = send_due()
        self.stdout.write(", ".join(f"{count} {what}" for what, count in outcomes.items()))
