"""A real SMTP server on loopback (aiosmtpd) for tests: stop() and start() make an outage; `refuse`
answers chosen addresses with 550; `hold` makes the server wait at RCPT until released (to kill a
sender in the middle of a conversation); `hold_answer` keeps a mail it has accepted unconfirmed."""

import asyncio
import socket
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.db import transaction

from samenaanpak.core import mail


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []
        self.refuse = set()  # addresses answered with "550 no such user"
        self.greylist = set()  # addresses answered with "450 try again later"
        self.hold = None  # a threading.Event: RCPT waits until it is set
        self.holding = threading.Event()  # set while a RCPT waits
        self.waiting = 0  # how many conversations wait at RCPT now
        self.received_at = []  # time.time() when each message was accepted (before the 250)
        self.hold_answer = None  # a threading.Event: the 250 to DATA waits until it is set

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user"
        if address in self.greylist:
            return "450 4.2.0 Try again later"
        if self.hold is not None:
            self.holding.set()
            self.waiting += 1
            while not self.hold.is_set():
                await asyncio.sleep(0.05)
            self.waiting -= 1
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        answer = await super().handle_DATA(server, session, envelope)  # stores the message
        while self.hold_answer is not None and not self.hold_answer.is_set():
            await asyncio.sleep(0.05)
        return answer

    def handle_message(self, message):
        self.received_at.append(time.time())
        self.messages.append(message)


class SMTPServer:
    def __init__(self, port: int | None = None):
        self.inbox, self.port, self.controller = Inbox(), port or free_port(), None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


def queue_mail(count=1, **fields):
    """Queue mail as a view does: inside a transaction; the send task is enqueued when it commits."""
    with transaction.atomic():
        return [
            mail.queue_email(
                to=fields.get("to", f"p{i}@example.org"),
                subject="Onderwerp",
                body="Tekst met é",
                purpose="test",
            )
            for i in range(count)
        ]
