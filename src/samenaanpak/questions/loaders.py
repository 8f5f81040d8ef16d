"""Loader of the content kind `faq` (question, answer, published)."""

from samenaanpak.core.content import loader

from .models import FaqEntry


@loader("faq")
def load_faq(items, context):
    for item in items:
        context.once(
            "faq",
            item["question"],
            FaqEntry,
            find=lambda item=item: FaqEntry.objects.filter(question=item["question"]).first(),
            create=lambda item=item: FaqEntry.objects.create(**item),
        )
