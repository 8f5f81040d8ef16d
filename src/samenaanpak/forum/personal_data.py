"""Download my data and delete my account (accounts.personal_data): the vrijplaats's part.

- export: the member's pseudonym and stated age, their posts (text, status, dates), the reports
  they made (the reported post's id only: its text is someone else's), the thanks they gave and
  whom they muted (by pseudonym).
- erase: posts and topics stay and show "verwijderd account" (the member row goes with the user,
  every author key is SET_NULL); the notes of their reports are emptied; thanks and mutes they
  made are deleted (and the post's thanks count follows). Warnings and the audit log keep no
  link to the person (their member key is SET_NULL)."""

from django.db.models import F

from .models import Member, Mute, Post, PostReport, Thanks


def _when(value):
    return value.isoformat() if value else None


def export(user) -> dict:
    member = Member.objects.filter(user=user).first()
    if member is None:
        return {}
    return {
        "schuilnaam": member.pseudonym,
        "opgegeven_leeftijd": member.stated_age,
        "huisregels_geaccepteerd": _when(member.rules_accepted_at),
        "lid_sinds": _when(member.joined_at),
        "geblokkeerd_tot": _when(member.blocked_until),
        "berichten": [
            {
                "id": post.pk,
                "onderwerp": post.thread.title,
                "tekst": post.text,
                "status": post.status,
                "geplaatst": _when(post.created_at),
                "bewerkt": _when(post.edited_at),
            }
            for post in Post.objects.filter(author=member).select_related("thread")
        ],
        "meldingen": [
            {
                "bericht": r.post_id,
                "reden": r.reason,
                "toelichting": r.note,
                "op": _when(r.created_at),
            }
            for r in PostReport.objects.filter(reporter=member)
        ],
        "bedankjes": [
            {"bericht": t.post_id, "op": _when(t.created_at)}
            for t in Thanks.objects.filter(member=member)
        ],
        "gedempt": [
            m.muted.pseudonym for m in Mute.objects.filter(member=member).select_related("muted")
        ],
    }


def erase(user) -> None:
    member = Member.objects.filter(user=user).first()
    if member is None:
        return
    PostReport.objects.filter(reporter=member).update(note="")
    for post_id in Thanks.objects.filter(member=member).values_list("post_id", flat=True):
        Post.objects.filter(pk=post_id, thanks_count__gt=0).update(
            thanks_count=F("thanks_count") - 1
        )
    Thanks.objects.filter(member=member).delete()
    Mute.objects.filter(member=member).delete()
    Mute.objects.filter(muted=member).delete()
