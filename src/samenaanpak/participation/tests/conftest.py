import pytest

from .factories import public_account


@pytest.fixture
def resident(nijkerk):
    """An established account (its earlier contribution was approved)."""
    return public_account("Sanne")


@pytest.fixture
def newcomer(nijkerk):
    return public_account("Nieuwkomer", established=False)


@pytest.fixture
def moderator(nijkerk):
    from django.contrib.auth.models import Permission

    user = public_account("Moderator M")
    user.user_permissions.add(Permission.objects.get(codename="moderate_idea"))
    return user
