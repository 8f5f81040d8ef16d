from django.utils import translation

from samenaanpak.core.templatetags.content_i18n import in_language


def test_english_twin_is_shown_only_in_english_and_only_when_filled():
    value = {
        "title": "Ik zoek hulp",
        "title_en": "I am looking for help",
        "text": "Nu",
        "text_en": "",
    }
    with translation.override("nl"):
        assert in_language(value, "title") == "Ik zoek hulp"
    with translation.override("en"):
        assert in_language(value, "title") == "I am looking for help"
        assert in_language(value, "text") == "Nu"  # no twin: the Dutch text rather than nothing
