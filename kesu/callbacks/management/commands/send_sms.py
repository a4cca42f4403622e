"""Send the text messages whose time has come (only inside the sending hours)."""

from django.core.management.base import BaseCommand

from kesu.callbacks.sms import deliver_due_sms


class Command(BaseCommand):
    help = "Send due text messages through the configured SMS backend; run it every few minutes."

    def handle(self, *args, **options):
        total = 0
        while True:
            sent = deliver_due_sms()
            total += sent
            if sent < 100:
                break
        self.stdout.write(f"{total} text messages handed to the SMS backend.")
