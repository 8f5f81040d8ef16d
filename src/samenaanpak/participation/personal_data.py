"""Download my data and delete my account (accounts.personal_data): participation's part, and
its sections of the account overview.

- export: the person's own ideas, supports, comments and the reports they made (with the
  reported comment's id only: that text is someone else's).
- erase: ideas, comments and supports stay and show "verwijderd account" (their keys are
  SET_NULL); the free-text note of the person's reports is emptied, because it may say things
  about them that no longer belong to anyone's account (the reason stays for the moderators)."""

from django.utils.translation import gettext_lazy as _

from .models import Comment, CommentReport, Idea, Support
from .urls import idea_path, ideas_page


def _when(value):
    return value.isoformat() if value else None


def export(user) -> dict:
    page = ideas_page()
    return {
        "ideas": [
            {
                "id": idea.pk,
                "title": idea.title,
                "text": idea.text,
                "think_tank": idea.think_tank.title,
                "goal": idea.goal.title if idea.goal else None,
                "status": idea.status,
                "submitted_at": _when(idea.created_at),
                "published_at": _when(idea.published_at),
                "url": idea_path(idea, page),
            }
            for idea in Idea.objects.filter(author=user).select_related("think_tank", "goal")
        ],
        "supports": [
            {
                "idea": support.idea_id,
                "idea_title": support.idea.title,
                "at": _when(support.created_at),
            }
            for support in Support.objects.filter(user=user).select_related("idea")
        ],
        "comments": [
            {
                "id": comment.pk,
                "idea": comment.idea_id,
                "reply_to": comment.parent_id,
                "text": comment.text,
                "status": comment.status,
                "at": _when(comment.created_at),
            }
            for comment in Comment.objects.filter(author=user)
        ],
        "reports_made": [
            {
                "comment": report.comment_id,
                "reason": report.reason,
                "note": report.note,
                "at": _when(report.created_at),
            }
            for report in CommentReport.objects.filter(reporter=user)
        ],
    }


def erase(user) -> None:
    CommentReport.objects.filter(reporter=user).update(note="")


def account_sections(user) -> list[dict]:
    """ "Mijn ideeën", "Mijn steun" and "Mijn reacties" for the account overview (accounts)."""
    page = ideas_page()
    ideas = list(Idea.objects.filter(author=user).order_by("-created_at")[:50])
    supported = list(
        Idea.objects.filter(supports__user=user).order_by("-supports__created_at")[:50]
    )
    comments = list(
        Comment.objects.filter(author=user).select_related("idea").order_by("-created_at")[:50]
    )
    for idea in ideas + supported:
        idea.page_url = idea_path(idea, page)
    for comment in comments:
        comment.page_url = f"{idea_path(comment.idea, page)}#reactie-{comment.pk}"
    template = "participation/account_section.html"
    return [
        {
            "title": _("Mijn ideeën"),
            "template": template,
            "context": {"kind": "ideas", "items": ideas, "new_url": _new_url(page)},
        },
        {
            "title": _("Mijn steun"),
            "template": template,
            "context": {"kind": "supports", "items": supported},
        },
        {
            "title": _("Mijn reacties"),
            "template": template,
            "context": {"kind": "comments", "items": comments},
        },
    ]


def _new_url(page):
    return (page.url or "/") + page.reverse_subpage("new_idea") if page else ""
