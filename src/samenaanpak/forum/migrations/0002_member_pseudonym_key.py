"""Member.pseudonym_key: the pseudonym's skeleton, unique, so no look-alikes. Existing members
get their key; when two existing pseudonyms already share a skeleton, the older member keeps it
and the later one gets "<key>~<pk>" (still unique, and no one else can take a look-alike of
either)."""

import unicodedata

from django.conf import settings
from django.db import migrations, models

# A frozen copy of models.pseudonym_key() as it was when this migration was written.
_CONFUSABLES = str.maketrans(
    "АВЕКМНОРСТХЅІЈΑΒΕΖΗΙΚΜΝΟΡΤΥΧаеорсхуіјѕԁкοαν",
    "ABEKMHOPCTXSIJABEZHIKMNOPTYXaeopcxyijsdkoav",
)
_SWAPS = str.maketrans("013i5", "olels")
_SEPARATORS = str.maketrans("", "", "_.- ")
KEY_MAX = 40


def _key(pseudonym):
    letters = [
        char
        for char in unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", pseudonym))
        if unicodedata.category(char) not in ("Mn", "Me", "Cf")
    ]
    text = "".join(letters).translate(_CONFUSABLES).lower()
    return text.translate(_SEPARATORS).translate(_SWAPS)[:KEY_MAX]


def fill_keys(apps, schema_editor):
    Member = apps.get_model("forum", "Member")
    seen = set()
    for member in Member.objects.order_by("pk").only("pk", "pseudonym"):
        key = _key(member.pseudonym)
        if key in seen:
            suffix = f"~{member.pk}"
            key = key[: KEY_MAX - len(suffix)] + suffix
        seen.add(key)
        Member.objects.filter(pk=member.pk).update(pseudonym_key=key)


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="pseudonym_key",
            field=models.CharField(default="", editable=False, max_length=40),
            preserve_default=False,
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="member",
            constraint=models.UniqueConstraint(
                fields=("pseudonym_key",), name="forum_unique_pseudonym_key"
            ),
        ),
    ]
