from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Tekst"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Niveau"), choices=[("h2", _("Kop 2")), ("h3", _("Kop 3"))], default="h2"
    )

    class Meta:
        icon = "title"
        label = _("Tussenkop")
        template = "core/blocks/heading.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Citaat"))
    source = blocks.CharBlock(label=_("Bron"), required=False)

    class Meta:
        icon = "openquote"
        label = _("Citaat")
        template = "core/blocks/quote.html"


RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Tekst"), features=RICH_TEXT_FEATURES, template="core/blocks/paragraph.html"
    )
    quote = QuoteBlock()


class EntryPointBlock(blocks.StructBlock):
    """One of the home page's top tasks ("Ik zoek hulp", "Ik wil iets melden", ...)."""

    title = blocks.CharBlock(label=_("Titel"), max_length=60)
    text = blocks.CharBlock(label=_("Korte uitleg"), max_length=160, required=False)
    page = blocks.PageChooserBlock(label=_("Pagina"))
    title_en = blocks.CharBlock(
        label=_("Titel in het Engels"),
        max_length=60,
        required=False,
        help_text=_("Getoond aan wie de site in het Engels bekijkt."),
    )
    text_en = blocks.CharBlock(
        label=_("Korte uitleg in het Engels"), max_length=160, required=False
    )

    class Meta:
        icon = "link"
        label = _("Ingang")


class CrisisNumberBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Naam"), max_length=80)
    number = blocks.CharBlock(label=_("Nummer zoals getoond"), max_length=40)
    dial = blocks.RegexBlock(
        label=_("Te bellen nummer (alleen cijfers en +)"),
        regex=r"^\+?[0-9]{3,15}$",
        error_messages={"invalid": _("Gebruik alleen cijfers, eventueel met een + vooraan.")},
    )
    note = blocks.CharBlock(label=_("Toelichting"), max_length=160, required=False)
    label_en = blocks.CharBlock(
        label=_("Naam in het Engels"),
        max_length=80,
        required=False,
        help_text=_("Getoond aan wie de site in het Engels bekijkt."),
    )
    note_en = blocks.CharBlock(label=_("Toelichting in het Engels"), max_length=160, required=False)

    class Meta:
        icon = "warning"
        label = _("Crisisnummer")
