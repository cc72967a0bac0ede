"""E-mail backends for the tests: one that counts connections (batching), one that fails like a flaky SMTP server."""

import smtplib

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

OPENED = []  # one entry per connection opened
FAILURES = {"left": 0, "error": smtplib.SMTPServerDisconnected}


class CountingBackend(LocmemBackend):
    def open(self):
        OPENED.append(1)
        return True


class FlakyBackend(LocmemBackend):
    """Refuses the next FAILURES["left"] messages with FAILURES["error"], then delivers like locmem."""

    def send_messages(self, messages):
        if FAILURES["left"] > 0:
            FAILURES["left"] -= 1
            raise FAILURES["error"]("Connection unexpectedly closed")
        return super().send_messages(messages)


class DownBackend(LocmemBackend):
    """A mail server that cannot be reached at all."""

    def open(self):
        raise ConnectionRefusedError("Connection refused")


def reset(fail: int = 0, error=smtplib.SMTPServerDisconnected) -> None:
    OPENED.clear()
    FAILURES.update(left=fail, error=error)
    mail.outbox = []
