"""One place to read mail a test caused: the SMTP sink, or the embedded outbox."""
import re
import socket
import threading
import time
from dataclasses import dataclass
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.extensions import db
from app.models.mail import OutboxEmail

CODE = re.compile(r"\b(\d{6})\b")


@dataclass
class Mail:
    to: str
    subject: str
    text: str
    html: str | None

    @property
    def code(self):
        match = CODE.search(self.text)
        return match.group(1) if match else None


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    """A real SMTP server (aiosmtpd) on loopback that keeps what it receives."""

    def __init__(self):
        self.messages = []
        self._lock = threading.Lock()
        self.port = _free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    async def handle_DATA(self, server, session, envelope):
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        text = parsed.get_body(preferencelist=("plain",))
        html = parsed.get_body(preferencelist=("html",))
        with self._lock:
            for rcpt in envelope.rcpt_tos:
                self.messages.append(Mail(
                    to=rcpt.lower(), subject=str(parsed["subject"]),
                    text=text.get_content() if text else "",
                    html=html.get_content() if html else None,
                ))
        return "250 Message accepted for delivery"

    def clear(self):
        with self._lock:
            self.messages.clear()

    def to(self, address):
        with self._lock:
            return [m for m in self.messages if m.to == address.lower()]


class Mailbox:
    """Mail sent to an address, from whichever transport the app under test uses."""

    def __init__(self, app, sink):
        self.app = app
        self.sink = sink

    def _outbox(self, address):
        with self.app.app_context():
            rows = db.session.scalars(
                select(OutboxEmail).filter_by(recipient=address.lower()).order_by(OutboxEmail.id)
            ).all()
            return [Mail(r.recipient, r.subject, r.text_body, r.html_body) for r in rows]

    def messages(self, address):
        return self._outbox(address) + self.sink.to(address)

    def wait_for(self, address, count=1, timeout=10.0, subject=None):
        """The newest message to `address` once at least `count` (matching) have arrived."""
        deadline = time.monotonic() + timeout
        while True:
            found = [m for m in self.messages(address) if subject is None or subject in m.subject]
            if len(found) >= count:
                return found[-1]
            if time.monotonic() > deadline:
                raise AssertionError(f"no mail #{count} to {address} within {timeout}s: {found}")
            time.sleep(0.05)

    def latest_code(self, address, count=1):
        return self.wait_for(address, count=count).code
