"""The back office's password-reset form: limited per client and per address, sent through the
outbox like every other mail, and only to back-office users (a public account resets its password
on the site, accounts/)."""

import hashlib

from django.template import loader
from wagtail.admin.forms.auth import PasswordResetForm

from . import throttle
from .mail import queue_email
from .roles import is_staff_account

PER_CLIENT = throttle.Limit("password-reset-client", 5)
PER_ADDRESS = throttle.Limit("password-reset-address", 3)
ALL_CLIENTS = throttle.Limit("password-reset-all", 100)


class ThrottledPasswordResetForm(PasswordResetForm):
    def get_users(self, email):
        return (user for user in super().get_users(email) if is_staff_account(user))

    def save(self, *args, request=None, **kwargs):
        # The page says the same whether or not a mail went out: it never tells who has an account.
        address = hashlib.sha256(self.cleaned_data["email"].strip().lower().encode()).hexdigest()[
            :32
        ]
        client = throttle.client_id(request, "password-reset") if request is not None else "none"
        if PER_CLIENT.hit(client) and PER_ADDRESS.hit(address) and ALL_CLIENTS.hit():
            super().save(*args, request=request, **kwargs)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        queue_email(to=to_email, subject=subject, body=body, purpose="wachtwoord-herstel")
