"""Screening: a soft hyphen where the space was, and "zelf-moord"."""

import pytest

from ..screening import screen

pytestmark = pytest.mark.django_db


# --- F4: screening ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["wiet te\u00adkoop", "wi\u00adet te koop", "wiet tekoop"])
def test_a_soft_hyphen_does_not_hide_a_watched_phrase(text):
    assert screen(text).held


@pytest.mark.parametrize("text", ["ik denk aan zelf-moord", "zelf moord", "zelf\u00admoord"])
def test_split_crisis_words_are_flagged(text):
    assert screen(text).crisis
