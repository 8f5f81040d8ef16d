"""Back-office views of the questions (registered in wagtail_hooks.py)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.views.generic import EditView


class QuestionEditView(EditView):
    def save_action(self):
        response = super().save_action()
        draft = getattr(self.form, "faq_draft", None)
        if draft is not None and not self.expects_json_response:
            # Tell the editor where the draft is: it still needs anonymising before it is published.
            url = reverse("wagtailsnippets_questions_faqentry:edit", args=[draft.pk])
            messages.success(
                self.request,
                _(
                    "Er staat een concept klaar bij de veelgestelde vragen. Haal namen en herkenbare details weg "
                    "voordat u het publiceert."
                ),
                buttons=[messages.button(url, _("Concept openen"))],
            )
        return response
