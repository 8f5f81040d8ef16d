import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from samenaanpak.core.history import TransitionError, record_status
from samenaanpak.core.models import OutgoingEmail
from samenaanpak.questions.models import FaqEntry, Question, QuestionEvent
from samenaanpak.questions.status import Status
from samenaanpak.tests.factories import UserFactory


@pytest.fixture
def question(nijkerk):
    q = Question.objects.create(
        text="Hoe vaak komt de politie langs?", name="Piet", email="piet@example.org", consent=True
    )
    record_status(q, Status.NEW)
    return q


@pytest.fixture
def officer(role_users):
    user = UserFactory(username="beleid")
    user.groups.add(Group.objects.get(name="Vragen"))
    return user


def edit_url(question):
    return reverse("questions_question:edit", args=[question.pk])


ROLES = ["anoniem", "redacteur", "denktank_preventie", "vragen", "beheerder"]
MATRIX = {
    #                 anoniem  redacteur denktank vragen beheerder
    "list": ("login", "deny", "deny", "allow", "allow"),
    "edit": ("login", "deny", "deny", "allow", "allow"),
    "add": ("login", "deny", "deny", "deny", "deny"),
    "faq_list": ("login", "deny", "deny", "allow", "allow"),
    "outbox": ("login", "deny", "deny", "deny", "allow"),
    "outbox_add": ("login", "deny", "deny", "deny", "deny"),
}


def outcome(response):
    if response.status_code == 200:
        return "allow"
    if response.status_code == 302 and "/account/login/" in response["Location"]:
        return "login"
    if response.status_code in (403, 404) or (
        response.status_code == 302 and response["Location"] == "/beheer/"
    ):
        return "deny"
    return f"unexpected {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize("index, role", list(enumerate(ROLES)))
def test_permission_matrix(client, role_users, officer, verified_login, question, index, role):
    user = officer if role == "vragen" else role_users[role]
    if user is not None:
        verified_login(client, user)
    urls = {
        "list": reverse("questions_question:index"),
        "edit": edit_url(question),
        "add": reverse("questions_question:add"),
        "faq_list": reverse("wagtailsnippets_questions_faqentry:list"),
        "outbox": reverse("uitgaande_email:index"),
        "outbox_add": reverse("uitgaande_email:add"),
    }
    assert {view: outcome(client.get(url)) for view, url in urls.items()} == {
        view: MATRIX[view][index] for view in urls
    }


def post(client, question, **data):
    values = {"answer": question.answer, "new_status": question.status, "note": "", "make_faq": ""}
    values.update(data)
    return client.post(edit_url(question), values)


@pytest.mark.django_db
def test_answering_emails_the_asker_and_records_history(client, officer, verified_login, question):
    verified_login(client, officer)
    assert "Piet" in client.get(edit_url(question)).content.decode()
    response = post(
        client, question, answer="Twee keer per week.", new_status="beantwoord", make_faq="on"
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == "beantwoord" and question.answered_at is not None
    assert question.events.first().author == officer
    answer_mail = OutgoingEmail.objects.get(purpose="antwoord-op-vraag")
    assert answer_mail.to == "piet@example.org" and "Twee keer per week." in answer_mail.body
    draft = FaqEntry.objects.get(source=question)
    assert not draft.published and draft.answer == "Twee keer per week."
    assert (
        "Hoe vaak komt de politie langs?"
        not in client.get("/vragen/veelgestelde-vragen/").content.decode()
    )


@pytest.mark.django_db
def test_answered_status_needs_an_answer(client, officer, verified_login, question):
    verified_login(client, officer)
    html = post(client, question, new_status="beantwoord").content.decode()
    assert "Schrijf eerst het antwoord" in html
    assert (
        question.events.count() == 1
        and not OutgoingEmail.objects.filter(purpose="antwoord-op-vraag").exists()
    )


@pytest.mark.django_db
def test_disallowed_transition_is_refused(question):
    record_status(question, Status.CLOSED)
    with pytest.raises(TransitionError):
        record_status(question, Status.ANSWERED)
    assert question.events.count() == 2


@pytest.mark.django_db
def test_retention_erases_name_and_email_after_the_period(question, settings):
    settings.QUESTION_RETENTION_DAYS = 365
    record_status(question, Status.CLOSED)
    assert question.erase_personal_data_on == (timezone.localdate() + datetime.timedelta(days=365))
    call_command("run_daily_tasks", stdout=open("/dev/null", "w"))
    question.refresh_from_db()
    assert question.email == "piet@example.org"  # not yet
    QuestionEvent._base_manager.filter(question=question).update(
        created_at=timezone.now() - datetime.timedelta(days=366)
    )
    call_command("run_daily_tasks", stdout=open("/dev/null", "w"))
    question.refresh_from_db()
    assert (question.name, question.email) == (
        "",
        "",
    ) and question.personal_data_erased_at is not None
    assert (
        question.text == "Hoe vaak komt de politie langs?"
    )  # the question itself stays for the record


@pytest.mark.django_db
def test_open_questions_keep_personal_data(question):
    QuestionEvent._base_manager.filter(question=question).update(
        created_at=timezone.now() - datetime.timedelta(days=900)
    )
    call_command("run_daily_tasks", stdout=open("/dev/null", "w"))
    question.refresh_from_db()
    assert question.email == "piet@example.org"


@pytest.mark.django_db
def test_faq_draft_message_links_to_the_draft(client, officer, verified_login, question):
    verified_login(client, officer)
    response = client.post(
        edit_url(question),
        {"answer": "Twee keer per week.", "new_status": "beantwoord", "note": "", "make_faq": "on"},
        follow=True,
    )
    html = response.content.decode()
    draft = FaqEntry.objects.get(source=question)
    draft_url = reverse("wagtailsnippets_questions_faqentry:edit", args=[draft.pk])
    assert "Er staat een concept klaar bij de veelgestelde vragen" in html
    assert f'href="{draft_url}"' in html
    assert "Twee keer per week." in client.get(draft_url).content.decode()


@pytest.mark.django_db
def test_no_faq_draft_message_without_a_draft(client, officer, verified_login, question):
    verified_login(client, officer)
    html = (
        post(client, question, answer="Twee keer per week.").content.decode()
        + client.get(reverse("questions_question:index")).content.decode()
    )
    assert "Er staat een concept klaar" not in html


@pytest.mark.django_db
def test_question_list_filters_and_sorts_by_the_stored_status(client, officer, verified_login):
    open_question = Question.objects.create(text="Open vraag")
    record_status(open_question, Status.NEW)
    closed_question = Question.objects.create(text="Gesloten vraag")
    record_status(closed_question, Status.NEW)
    record_status(closed_question, Status.CLOSED)
    verified_login(client, officer)
    url = reverse("questions_question:index")

    html = client.get(url, {"status": "gesloten"}).content.decode()
    assert closed_question.reference in html and open_question.reference not in html
    html = client.get(url, {"ordering": "status"}).content.decode()
    assert html.index(closed_question.reference) < html.index(open_question.reference)
    html = client.get(url, {"ordering": "-status"}).content.decode()
    assert html.index(open_question.reference) < html.index(closed_question.reference)
