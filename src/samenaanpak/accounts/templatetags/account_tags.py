from django import template

register = template.Library()

CODE_FIELDS = {"code"}


@register.filter
def account_widget(field):
    """A field of an allauth form as our forms render it: the label says what to fill in, so no
    placeholder; the error and the description are linked to the input; a code gets the number
    keyboard and the one-time-code autofill."""
    attrs = {"placeholder": False, "id": field.auto_id}
    described = []
    if field.errors:
        attrs["aria-invalid"] = "true"
        described.append(f"{field.auto_id}-fout")
    if field.help_text:
        described.append(f"{field.auto_id}-uitleg")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.name in CODE_FIELDS:
        attrs.update(
            {
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "class": "sa-code",
                "spellcheck": "false",
            }
        )
    return field.as_widget(attrs=attrs)


@register.simple_tag(takes_context=True)
def account_section(context, section):
    """Renders an app's section of the account page (`account_sections(user)`, see
    accounts.personal_data) with its own context on top of the page's: its template uses the
    names it gave, plus `request`, `user` and `csrf_token`."""
    template_ = context.template.engine.get_template(section["template"])
    with context.push(**section.get("context", {})):
        return template_.render(context)
