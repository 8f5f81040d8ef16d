"""Loader of the content kind `ideas`: example ideas with the think tank's answers.

Before the ideas it turns the first release's "coming soon" page at /denk-mee/ (a plain content
page) into the IdeasPage of the content set's page tree, unless an editor changed that page
(it then has more than the one revision the loader made). Menu links and the home page's entry
points follow the new page.

An item: `think_tank` (a page path), `goal` (title, optional), `title`, `text`, `supports`
(a number shown for the example), `history`: a list of {status, note, actions: [action titles]}
written through record_status, as the back office would. Every item is an example (is_example)
without an author account."""

from django.db import transaction
from wagtail.models import Page

from samenaanpak.core.content import field_values, loader, read
from samenaanpak.core.history import record_status
from samenaanpak.core.loaders import page_at
from samenaanpak.core.models import ContentPage, LoadedContent, NavigationLink
from samenaanpak.plan.models import Action, Goal

from .models import Idea, IdeasPage

PAGE_PATH = "denk-mee"


@loader("ideas")
def load_ideas(items, context):
    replace_placeholder(context)
    for item in items or []:
        context.once(
            "idea",
            item["title"],
            Idea,
            find=lambda item=item: Idea.objects.filter(title=item["title"]).first(),
            create=lambda item=item: _create_idea(item, context),
        )


def _page_spec(context, path):
    """The page's entry in the content set's page tree (pages.yaml)."""
    spec = read(context.name).get("pages") or {}
    for slug in path.split("/"):
        spec = next((c for c in spec.get("children", []) if c.get("slug") == slug), None)
        if spec is None:
            return None
    return spec


@transaction.atomic
def replace_placeholder(context, path=PAGE_PATH):
    if context.home is None or IdeasPage.objects.exists():
        return None
    old = page_at(context, path)
    spec = _page_spec(context, path)
    if old is None or spec is None or spec.get("type") != "participation.IdeasPage":
        return None
    if not isinstance(old, ContentPage) or old.revisions.count() > 1:
        return None  # an editor's page: theirs to replace
    values = {k: v for k, v in spec.items() if k not in ("type", "children")}
    values.setdefault("show_in_menus", old.show_in_menus)
    parent = old.get_parent()
    new = IdeasPage(**field_values(IdeasPage, {**values, "slug": f"{old.slug}-nieuw"}))
    parent.add_child(instance=new)
    new.move(old, pos="left")
    NavigationLink.objects.filter(page_id=old.pk).update(page_id=new.pk)
    _repoint_entry_points(context.home, old.pk, new.pk)
    old.delete()
    new = IdeasPage.objects.get(pk=new.pk)
    new.slug = values["slug"]
    new.save_revision().publish()
    LoadedContent.objects.filter(kind="page", key=path).update(object_id=new.pk)
    return new


def _repoint_entry_points(home, old_pk, new_pk):
    home = Page.objects.get(pk=home.pk).specific
    data = list(home.entry_points.raw_data)
    changed = False
    for block in data:
        if block["value"].get("page") == old_pk:
            block["value"]["page"] = new_pk
            changed = True
    if changed:
        home.entry_points = data
        home.save_revision().publish()


def _create_idea(item, context):
    think_tank = page_at(context, item["think_tank"])
    if think_tank is None:
        return None
    goal = None
    if item.get("goal"):
        goal = Goal.objects.filter(think_tank=think_tank, title=item["goal"]).first()
    idea = Idea.objects.create(
        think_tank=think_tank,
        goal=goal,
        title=item["title"],
        text=_paragraphs(item["text"]),
        is_example=True,
        support_count=item.get("supports", 0),
    )
    for step in item.get("history") or [{"status": "ontvangen"}]:
        record_status(idea, step["status"], note=_paragraphs(step.get("note", "")))
        titles = step.get("actions") or []
        if titles:
            idea.actions.add(*Action.objects.filter(title__in=titles))
    return idea


def _paragraphs(value) -> str:
    """YAML's wrapped lines joined: paragraphs are separated by a blank line, as people type them."""
    parts = (" ".join(part.split()) for part in (value or "").split("\n\n"))
    return "\n\n".join(part for part in parts if part)
