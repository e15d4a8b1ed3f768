"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1, a free port).

Use the ``smtp_outbox`` fixture (import it into the test module, like the fixtures of
``tests/staff_helpers.py``): Django's SMTP backend is pointed at the server, and the
fixture yields the list of mails it received, each a :class:`ReceivedMail`.
"""

import email
import email.policy
import socket
import threading
from dataclasses import dataclass

import pytest
from aiosmtpd.controller import Controller


@dataclass
class ReceivedMail:
    """One mail as the SMTP server received it: the envelope and the parsed message."""

    sender: str
    recipients: list
    message: email.message.EmailMessage

    @property
    def subject(self):
        # Django folds a long encoded subject onto a continuation line ("Subject:\n =?utf-8?b?…"):
        # the folding whitespace is not part of the subject.
        return str(self.message["Subject"]).strip()

    @property
    def to(self):
        return str(self.message["To"])

    @property
    def body(self):
        """The plain-text body, decoded."""
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""


class _Collector:
    def __init__(self):
        self.received = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A running SMTP server on 127.0.0.1: ``(host, port, received)``."""
    collector = _Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port(), ready_timeout=10)
    controller.start()
    try:
        yield controller.hostname, controller.port, collector.received
    finally:
        controller.stop()


@pytest.fixture
def smtp_outbox(smtp_server, settings):
    """Django sends its mail through the SMTP backend to the test server; yields the received mails."""
    host, port, received = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = host
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    return received
