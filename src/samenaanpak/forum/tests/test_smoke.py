import pytest

from samenaanpak.participation.tests.helpers import form_data

from ..models import Member, Post, Thread
from .factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_smoke(client, forum):
    r = client.get("/vrijplaats/")
    assert r.status_code == 200, r.content[:2000]
    html = r.content.decode()
    assert "Praat erover" in html and "0800-0432" in html
    assert client.get("/vrijplaats/huisregels/").status_code == 200
    assert client.get("/vrijplaats/praat-erover/").status_code == 200
    t = Thread.objects.filter(is_example=True).first()
    assert client.get(f"/vrijplaats/onderwerp/{t.pk}/").status_code == 200
    m = MemberFactory(trusted=True)
    client.force_login(m.user)
    r = client.get("/vrijplaats/praat-erover/nieuw/")
    assert r.status_code == 200
    r = client.post(
        "/vrijplaats/praat-erover/nieuw/", form_data(title="Hoi", text="Hallo allemaal")
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    assert Post.objects.get(author=m).status == "zichtbaar"
    loc = r["Location"]
    r = client.get(loc)
    assert r.status_code == 302, (loc, r.content.decode()[:500])
    r = client.get(r["Location"])
    assert "Hallo allemaal" in r.content.decode()
    assert Member.objects.count() > 1
