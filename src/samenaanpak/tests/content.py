"""Test helpers for the loaded content."""


def make_examples_real():
    """As an editor would: the example actions and news become real content (is_example off, news
    published). For tests about showing actions and news; core/tests/test_editorial.py checks that
    residents never see examples."""
    from samenaanpak.plan.models import Action, UpdatePage

    Action.objects.update(is_example=False)
    for page in UpdatePage.objects.filter(is_example=True):
        page.is_example = False
        page.save_revision().publish()
