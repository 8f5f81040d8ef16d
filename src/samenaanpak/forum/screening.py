"""TEMPORARY stand-in for the `screen` helper's screening.py (same contract); replaced when that
branch is merged."""

import re
from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    BLOCK = "blokkeren"
    HOLD = "vasthouden"
    CRISIS = "crisis"


@dataclass(frozen=True)
class Match:
    action: Action
    kind: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class WatchList:
    block: tuple[str, ...] = ()
    hold: tuple[str, ...] = ()
    crisis: tuple[str, ...] = ()


DEFAULT_HOLD = ("wiet te koop", "dealer", "pillen kopen", "snuif")
DEFAULT_CRISIS = ("zelfmoord", "dood willen", "niet meer leven", "mezelf iets aandoen")

_EMAIL = re.compile(r"[\w.+-]+\s*(@|\(at\)|\[at\])\s*[\w-]+\s*\.\s*[a-z]{2,}", re.I)
_DIGITS = re.compile(r"(?:\d[\s.\-/a-z]{0,6}){9,}\d", re.I)


@dataclass(frozen=True)
class Screening:
    matches: tuple[Match, ...] = ()

    def _of(self, action):
        return tuple(m for m in self.matches if m.action == action)

    @property
    def blocked(self):
        return self._of(Action.BLOCK)

    @property
    def held(self):
        return self._of(Action.HOLD)

    @property
    def crisis(self):
        return self._of(Action.CRISIS)

    @property
    def message(self):
        if not self.blocked:
            return ""
        return (
            "Je bericht bevat iets wat op contactgegevens lijkt. Deel hier geen telefoonnummers, "
            "e-mailadressen of adressen: pas je bericht aan."
        )


def _phrases(text, phrases, action, kind):
    lowered = text.lower()
    for phrase in phrases:
        at = lowered.find(phrase.lower())
        if at >= 0:
            yield Match(action, kind, text[at : at + len(phrase)], at, at + len(phrase))


def screen(text: str, watch: WatchList = WatchList()) -> Screening:
    found = []
    for rx, kind in ((_EMAIL, "email"), (_DIGITS, "telefoon")):
        for m in rx.finditer(text):
            found.append(Match(Action.BLOCK, kind, m.group(0), m.start(), m.end()))
    found += _phrases(text, watch.block, Action.BLOCK, "woord")
    found += _phrases(text, (*DEFAULT_HOLD, *watch.hold), Action.HOLD, "woord")
    found += _phrases(text, (*DEFAULT_CRISIS, *watch.crisis), Action.CRISIS, "woord")
    return Screening(tuple(found))
