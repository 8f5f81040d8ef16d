from django import template
from django.conf import settings
from django.urls import reverse

from .. import tokens
from ..models import Follow

register = template.Library()


@register.simple_tag(takes_context=True)
def follow_state(context, topic):
    """What the follow button shows for `topic` (None: nothing). A request without a session
    cookie is anonymous without reading the session, so cached public pages stay cacheable: it
    gets a link to /volgen/ (no form, no CSRF token), the same for every visitor."""
    if topic is None:
        return None
    request = context.get("request")
    signed_in = (
        request is not None
        and settings.SESSION_COOKIE_NAME in request.COOKIES
        and request.user.is_authenticated
    )
    if not signed_in:
        return {
            "signed_in": False,
            "email_url": reverse("notifications:follow_by_email")
            + "?onderwerp="
            + tokens.sign_topic(topic.pk),
        }
    return {
        "signed_in": True,
        "following": Follow.objects.filter(subscriber__user=request.user, topic=topic).exists(),
    }
