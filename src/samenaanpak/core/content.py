"""The content loader: reads a municipality's content set (`content/<name>/*.yaml`) and loads it.

Every YAML file of a set is a mapping of *kinds* to items; the files are merged (a kind appears
in one file only) and the kinds load in the explicit order of `ORDER`, whatever file they are in.
Each kind has one small loader function; an app registers its own in `<app>/loaders.py` with
`@loader("kind")` (found by name, like the daily jobs, so dependencies keep pointing at core).

Idempotent: every item is created once and recorded in `LoadedContent` (kind + key). A later run
skips recorded items, so what an editor changed or deleted stays that way, and an item added to
the files later is loaded by the next run. An object that already exists (a database loaded by an
earlier version) is recorded and left alone. No text of any municipality lives in Python."""

import html
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

import yaml
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction

# The order in which kinds load: what is referred to comes before what refers to it.
ORDER = [
    "areas",  # core.Area: the municipality's kernen
    "settings",  # core.SiteSettings (filled once)
    "contact_persons",  # core.ContactPerson
    "pages",  # the page tree, from the home page down (any page model, "app.Model")
    "goals",  # plan.Goal with their actions and the actions' history
    "help_offers",  # help.HelpOffer
    "faq",  # questions.FaqEntry
    "report_teams",  # reports.Team with its categories
    "ideas",  # participation: the /denk-mee/ page (replacing a "coming soon" page) and example ideas
    "forum",  # forum: the vrijplaats's categories, watched words, staffed hours, examples
    "events",  # events: meetings under the /bijeenkomsten/ page (past ones with a report, examples)
    "entry_points",  # the home page's entry points, pointing at pages by path
]

LOADERS = {}


class ContentError(Exception):
    pass


def loader(kind):
    """Register `function(items, context)` as the loader of `kind` (which must be in ORDER)."""
    if kind not in ORDER:
        raise ValueError(f"unknown content kind {kind!r}: add it to core.content.ORDER")

    def register(function):
        LOADERS[kind] = function
        return function

    return register


def _discover():
    for config in apps.get_app_configs():
        module_name = f"{config.name}.loaders"
        if config.name.startswith("samenaanpak.") and find_spec(module_name):
            import_module(module_name)


def content_dir(name) -> Path:
    path = Path(name)
    if not path.is_dir():
        path = Path(settings.CONTENT_DIR) / name
    if not path.is_dir():
        raise ContentError(f"no content set {name!r} in {settings.CONTENT_DIR}")
    return path


def read(name) -> dict:
    """All kinds of a content set, merged from its YAML files."""
    data = {}
    for file in sorted(content_dir(name).glob("*.yaml")):
        document = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        for kind, items in document.items():
            if kind not in ORDER:
                raise ContentError(
                    f"{file.name}: unknown kind {kind!r} (known: {', '.join(ORDER)})"
                )
            if kind in data:
                raise ContentError(f"{file.name}: kind {kind!r} is also in another file")
            data[kind] = items
    return data


@dataclass
class Context:
    """What the loaders share: the set's name, the site's home page once it exists, and the
    record of loaded items."""

    name: str
    pages: set | None = None  # load only these page paths (and what leads to them); None: all
    home: object = None
    created: list = field(default_factory=list)

    def once(self, kind, key, model, find, create):
        """The object for this item: created by `create()` the first time (unless `find()` finds
        one already there), looked up afterwards. None when it was loaded before and deleted."""
        from .models import LoadedContent

        key = str(key)[:255]
        record = LoadedContent.objects.filter(kind=kind, key=key).first()
        if record is not None:
            return model.objects.filter(pk=record.object_id).first()
        obj = find()
        if obj is None:
            obj = create()
            self.created.append((kind, key))
        LoadedContent.objects.create(kind=kind, key=key, object_id=obj.pk if obj else None)
        return obj

    def wants_page(self, path):
        return self.pages is None or any(p == path or p.startswith(path + "/") for p in self.pages)

    def page(self, path):
        """A page of this content set by its path ('' is the home page, 'denktanks/preventie')."""
        from wagtail.models import Page

        from .models import LoadedContent

        record = LoadedContent.objects.filter(kind="page", key=path).first()
        if record is not None:
            page = Page.objects.filter(pk=record.object_id).first()
            return page.specific if page else None
        return None


def rich_text(value) -> str:
    """HTML as it is, or plain text (paragraphs separated by a blank line) made into HTML."""
    value = (value or "").strip()
    if not value or value.startswith("<"):
        return value
    paragraphs = [" ".join(p.split()) for p in value.split("\n\n") if p.strip()]
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)


def field_values(model, values: dict) -> dict:
    """YAML values to model field values: rich text from plain text, and StreamFields from
    lists of `{block_type: value}`."""
    from wagtail.blocks import RichTextBlock
    from wagtail.fields import RichTextField, StreamField

    result = {}
    for name, value in values.items():
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            raise ContentError(
                f"{model._meta.label} has no field {name!r} (a key in the content files)"
            ) from None
        if isinstance(model_field, RichTextField):
            value = rich_text(value)
        elif isinstance(model_field, StreamField):
            stream = []
            for item in value or []:
                ((block_type, block_value),) = item.items()
                if isinstance(model_field.stream_block.child_blocks[block_type], RichTextBlock):
                    block_value = rich_text(block_value)
                stream.append({"type": block_type, "value": block_value})
            value = stream
        result[name] = value
    return result


@transaction.atomic
def load_content(name, only=None, pages=None) -> Context:
    """Load the content set `name` (a folder name under CONTENT_DIR, or a path). `only` limits
    the kinds and `pages` the page paths (for fast tests). The roles are synchronised before and
    after: groups first, page permissions once the pages exist."""
    from .roles import sync_roles

    _discover()
    data = read(name)
    context = Context(name=name, pages=set(pages) if pages is not None else None)
    sync_roles()
    for kind in ORDER:
        if kind in data and (only is None or kind in only):
            LOADERS[kind](data[kind], context)
    sync_roles()
    if only is None and pages is None:
        from .navigation import ensure_default_links

        ensure_default_links()  # menu and footer links in the site settings, when still empty
    return context
