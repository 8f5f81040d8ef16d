from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """(Filled in by the accounts work: staff refused, mail through the outbox, our throttle.)"""
