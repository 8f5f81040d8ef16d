"""Text screening for the vrijplaats: watched words and patterns, run on every post before it
is placed. Pure Python, no database: the caller passes the editable entries as a WatchList.

Three outcomes, one per Action:
- BLOCK: personal contact data (phone numbers, email addresses, social-media accounts, street
  addresses and postcodes) and watch.block entries. The post is stopped, the text is kept.
- HOLD: watch.hold and DEFAULT_HOLD (dealing, money mules, moving to private chat). A moderator
  looks first.
- CRISIS: watch.crisis and DEFAULT_CRISIS. The caller shows help (113, Kindertelefoon).

Everything is matched on a normalised copy of the text (NFKD, lowercase, accents and zero-width
characters dropped, any Unicode digit as ASCII) with a map back to the original, so Match.start
and Match.end point into the text the young person typed. Every pattern either starts with a
look-behind that only lets it begin at a word start, or has bounded quantifiers, so the cost
stays linear in the length of the text (see the 20 kB tests).

Decisions a reader might trip over:
- "@ school" (with a space) is not a handle; "@school", "@thuis", "@home" and a few other places
  directly after "@" are not either (AT_WORDS). Any other "@name" is.
- Mentioning a platform is fine ("ik zit op insta"); naming an account on it is not.
- A postcode with a space ("3861 AB") needs capital letters or the word "postcode" just before
  it, because "in 2015 en" and "1000 km" have the same shape in lower case.
- Crisis lines stay placeable: 112 and 113 are too short to be a phone number, 0800 and 0900
  numbers are never personal and are skipped (0800-0113, 0800-0432).
- Idioms do not trigger crisis: there is no bare "dood" entry, so "doodmoe" and "ik ging dood
  van het lachen" pass.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext


class Action(StrEnum):
    BLOCK = "blokkeren"
    HOLD = "vasthouden"
    CRISIS = "crisis"


@dataclass(frozen=True)
class Match:
    action: Action
    kind: str  # "telefoon", "email", "account", "adres", "woord"
    text: str  # the original text of the match
    start: int  # offsets in the original text
    end: int


@dataclass(frozen=True)
class WatchList:
    """Editable entries. A plain phrase matches as whole words, case-, accent- and
    whitespace-insensitive; "/…/" is a regular expression over the normalised (lowercase,
    accent-free) text."""

    block: tuple[str, ...] = ()
    hold: tuple[str, ...] = ()
    crisis: tuple[str, ...] = ()


# Always applied on top of watch.hold: words that suggest dealing, money mules or a move to a
# private channel. "per gram" rather than "gram": a baking recipe should not wait for a moderator.
DEFAULT_HOLD: tuple[str, ...] = (
    "te koop",
    "dm voor prijs",
    "dm voor info",
    "prijs in dm",
    "prijs via dm",
    "bezorgen",
    "bezorging",
    "pillen kopen",
    "pillen te koop",
    "per gram",
    "xtc kopen",
    "xtc te koop",
    "wiet kopen",
    "wiet te koop",
    "coke kopen",
    "coke te koop",
    "lachgas kopen",
    "lachgas te koop",
    "snuif",
    "snuiven",
    "3mmc",
    "mdma",
    "ketamine",
    "snel geld",
    "snel geld verdienen",
    "bankpas lenen",
    "bankpas uitlenen",
    "pinpas lenen",
    "pinpas uitlenen",
    "katvanger",
    "add me",
    "app me",
    "dm me",
    "stuur me een dm",
    "prive chatten",
)

# Always applied on top of watch.crisis. No bare "dood", "snijden" or "ik wil niet meer":
# "doodmoe", "brood snijden" and "ik wil niet meer naar school" are ordinary.
DEFAULT_CRISIS: tuple[str, ...] = (
    "zelfmoord",
    "zelf moord",  # also "zelf-moord" (any separator between the words)
    "zelfdoding",
    "suïcide",
    "suicidaal",
    # "ik wil dood", "soms wil ik gewoon dood", but not "ik wil dood graag mee" (very much)
    r"/(?<![a-z])wil(?:\s+ik)?(?:\s+(?:gewoon|echt|eigenlijk|zo|soms|nu|liever|gewoon echt))?\s+dood"
    r"(?![a-z]|\s*(?:graag|gaan van|van|moe))/",
    "dood willen",
    "niet meer leven",
    "niet meer willen leven",
    "wil er niet meer zijn",
    "mezelf pijn doen",
    "doe mezelf pijn",
    "deed mezelf pijn",
    "mijzelf pijn doen",
    "mezelf snijden",
    "mijzelf snijden",
    "in mezelf snijden",
    "mezelf gesneden",
    "ik snij mezelf",
    "mezelf beschadigen",
    "zelfbeschadiging",
    "automutilatie",
    "mezelf iets aandoen",
    "mijzelf iets aandoen",
    "mezelf wat aandoen",
    "mezelf van kant maken",
    "mezelf ophangen",
    "me ophangen",
    "er een eind aan maken",
    "er een einde aan maken",
    "eind aan mijn leven",
    "einde aan mijn leven",
    "einde maken aan mijn leven",
    "kill myself",
    "unalive",
)

# ---------------------------------------------------------------------------------------------
# Normalisation


# Latin look-alikes from Cyrillic and Greek that survive NFKD.
_CONFUSABLES = str.maketrans("аеорсхуіјѕԁοαν", "aeopcxyijsdoav")


def normalise(text: str) -> tuple[str, list[int]]:
    """The text to match on, and for every character of it the index in the original."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char.isascii():
            out.append(char.lower())
            origin.append(index)
            continue
        for part in unicodedata.normalize("NFKD", char):
            for low in part.lower():
                category = unicodedata.category(low)
                if category in ("Mn", "Me", "Cf"):  # accents, zero-width and direction marks
                    continue
                if low.isdecimal():  # fullwidth, Arabic-Indic … digits
                    low = str(unicodedata.decimal(low))
                elif low.isspace():
                    low = " "
                out.append(low.translate(_CONFUSABLES))
                origin.append(index)
    return "".join(out), origin


def _span(origin: list[int], start: int, end: int, length: int) -> tuple[int, int]:
    if start >= len(origin):
        return length, length
    return origin[start], origin[end - 1] + 1 if end > start else origin[start]


# ---------------------------------------------------------------------------------------------
# Phone numbers

_DIGIT_WORDS = {
    "nul": "0",
    "een": "1",
    "twee": "2",
    "drie": "3",
    "vier": "4",
    "vijf": "5",
    "zes": "6",
    "zeven": "7",
    "acht": "8",
    "negen": "9",
    "zero": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "tien": "10",
    "elf": "11",
    "twaalf": "12",
    "dertien": "13",
    "veertien": "14",
    "vijftien": "15",
    "zestien": "16",
    "zeventien": "17",
    "achttien": "18",
    "negentien": "19",
}
_TENS = {
    "twintig": "2",
    "dertig": "3",
    "veertig": "4",
    "vijftig": "5",
    "zestig": "6",
    "zeventig": "7",
    "tachtig": "8",
    "negentig": "9",
}
for _tens, _t in _TENS.items():
    _DIGIT_WORDS[_tens] = _t + "0"
    for _unit, _u in list(_DIGIT_WORDS.items())[1:10]:
        # "vierendertig"; "tweeëntwintig" is "tweeentwintig" once the accent is gone
        _DIGIT_WORDS[f"{_unit}en{_tens}"] = _t + _u
_MAX_DIGIT_WORD = max(map(len, _DIGIT_WORDS))

# Words that may stand between digit groups ("06 punt 12 punt 34").
_FILLER_WORDS = frozenset({"punt", "streep", "streepje", "spatie", "min", "slash", "dash", "dot"})
# Characters that may stand between digit groups. Not ":" (times), not "€" or "%".
# Not "," either: a comma ends a list ("0-1, 2-3, 4-5" are scores, not one number).
_SEPARATORS = frozenset(" \n\r\t.-/()+_*~|\\[]{}'\"·•–—")

_TOKEN = re.compile(r"[0-9a-z]+|[^0-9a-z]")
_DIGITS_O = re.compile(r"[0-9o]*")
_SPLIT = re.compile(r"[0-9]+|[a-z]+")

# A date ("12-03-2024", "1/3/24") or a time ("20.30") is an atom, not digit groups, unless the
# same separator and a digit follow or precede it: then it is the middle of "06-12-34-56-78".
_DATE = re.compile(
    r"(?<![0-9])(?:0?[1-9]|[12][0-9]|3[01])([-/.])(?:0?[1-9]|1[0-2])\1(?:19|20)?[0-9]{2}(?![0-9])"
)
_TIME = re.compile(r"(?<![0-9])(?:[01]?[0-9]|2[0-3])([.:])[0-5][0-9](?![0-9])")
_TIME_CONTEXT_BEFORE = re.compile(r"(?:^|[^a-z])(?:om|van|tot|vanaf|tussen|rond|tegen|na|voor)\s+$")
_TIME_CONTEXT_AFTER = re.compile(
    r"^\s*(?:uur|u|h)(?![a-z])|^\s*(?:,|-|–|tot|en)\s*[0-9]{1,2}[.:][0-9]{2}"
)
_TIME_LIST_BEFORE = re.compile(r"[0-9]{1,2}[.:][0-9]{2}\s*(?:,|-|–|tot|en)\s*$")

# Numbers that are never personal: free and paid service numbers (0800-0113, 0800-0432).
_SERVICE_PREFIXES = ("800", "900", "906", "909")


_WORD_BEFORE = re.compile(r"([0-9a-z]+)$")
_WORD_AFTER = re.compile(r"^([0-9a-z]+)")


def _continues(norm: str, start: int, end: int, sep: str) -> bool:
    """Whether the same separator joins a digit group or number word on either side."""
    if norm[end : end + 1] == sep:
        after = _WORD_AFTER.match(norm[end + 1 : end + 31])
        if after and (after.group(1).isdigit() or _digit_word(after.group(1))):
            return True
    if start and norm[start - 1] == sep:
        before = _WORD_BEFORE.search(norm[max(0, start - 31) : start - 1])
        if before and (before.group(1).isdigit() or _digit_word(before.group(1))):
            return True
    return False


def _atoms(norm: str) -> list[tuple[int, int]]:
    """Spans of dates and times that must not be read as digit groups."""
    spans = []
    for m in _DATE.finditer(norm):
        if _continues(norm, m.start(), m.end(), m.group(1)):
            continue
        spans.append(m.span())
    for m in _TIME.finditer(norm):
        sep = m.group(1)
        if sep == ":":
            continue  # ":" is no phone separator anyway
        after = norm[m.end() : m.end() + 12]
        before = norm[max(0, m.start() - 12) : m.start()]
        if (
            _TIME_CONTEXT_AFTER.match(after)
            or _TIME_CONTEXT_BEFORE.search(before)
            or _TIME_LIST_BEFORE.search(before)
        ):
            spans.append(m.span())
    return spans


@functools.lru_cache(maxsize=4096)
def _digit_word(word: str) -> str | None:
    """The digits a word of number words spells ("nulzes" is "06"), or None."""
    if len(word) > 60:
        return None
    # best[i]: fewest words for word[:i], with their digits
    best: list[tuple[int, str] | None] = [None] * (len(word) + 1)
    best[0] = (0, "")
    for i in range(len(word)):
        if best[i] is None:
            continue
        count, digits = best[i]
        for j in range(i + 3, min(len(word), i + _MAX_DIGIT_WORD) + 1):
            value = _DIGIT_WORDS.get(word[i:j])
            if value is not None and (best[j] is None or best[j][0] > count + 1):
                best[j] = (count + 1, digits + value)
    return best[-1][1] if best[-1] else None


def _phone_tokens(norm: str, mask: bool):
    """(start, end, digits) for every digit group, or (start, end, None) for a filler word or
    separator, or (start, end, False) for anything that ends a run of digit groups."""
    atoms = _atoms(norm) if mask else []
    atom_starts: dict[int, int] = {}
    for start, end in atoms:  # "12.03.2024" is a date and starts like the time "12.03"
        atom_starts[start] = max(end, atom_starts.get(start, end))
    position = 0
    for m in _TOKEN.finditer(norm):
        start, end = m.span()
        if start < position:
            continue
        if start in atom_starts:
            position = atom_starts[start]
            yield start, position, False
            continue
        token = m.group()
        if token[0] in "0123456789abcdefghijklmnopqrstuvwxyz":
            if _DIGITS_O.fullmatch(token) and any(c.isdigit() for c in token):
                yield start, end, token.replace("o", "0")  # "o6" for "06"
            elif token.isalpha():
                if token in _FILLER_WORDS:
                    yield start, end, None
                else:
                    digits = _digit_word(token)
                    yield start, end, digits if digits else False
            else:  # "tel06": split letters from digits
                for part in _SPLIT.finditer(token):
                    text = part.group()
                    digits = text if text.isdigit() else _digit_word(text)
                    yield start + part.start(), start + part.end(), digits or False
        elif token in _SEPARATORS:
            yield start, end, None
        else:
            yield start, end, False


def _runs(norm: str, mask: bool):
    """Runs of digit groups with only separators and filler words (at most 15 characters)
    between them: [(start, end, digits), ...]."""
    run: list[tuple[int, int, str]] = []
    gap_start = None
    for start, end, digits in _phone_tokens(norm, mask):
        if digits:
            if run and gap_start is not None and start - gap_start > 15:
                yield run
                run = []
            run.append((start, end, digits))
            gap_start = None
        elif digits is None:
            if run and gap_start is None:
                gap_start = start
        else:
            if run:
                yield run
            run, gap_start = [], None
    if run:
        yield run


def _national(digits: str) -> tuple[int, int] | None:
    """If a Dutch phone number starts at digits[0]: (digits used before the 9 national
    digits, 9). "0612345678", "31612345678", "0031612345678", "310612345678"."""
    if digits.startswith("0031"):
        skip = 4
    elif digits.startswith("31"):
        skip = 2
    elif digits.startswith("0"):
        skip = 1
    else:
        return None
    if skip > 1 and digits[skip : skip + 1] == "0":  # "+31 (0)6"
        skip += 1
    national = digits[skip : skip + 9]
    if len(national) < 9 or national[0] == "0" or national.startswith(_SERVICE_PREFIXES):
        return None
    if digits[: skip + 9] == "0123456789":  # counting, not calling
        return None
    return skip, 9


def _phones(norm: str):
    yield from _phones_in(norm, mask=True)
    # "+31 6 12.03.24 56" hides a date shape in a number; after an explicit "+31" or "0031"
    # nothing is a date.
    if "31" in norm:
        yield from _phones_in(norm, mask=False, international=True)


def _phones_in(norm: str, mask: bool, international: bool = False):
    for run in _runs(norm, mask):
        digits = "".join(d for _, _, d in run)
        if len(digits) < 10:
            continue
        # where in the normalised text each digit came from
        positions = []
        for start, end, d in run:
            if len(d) == end - start:
                positions.extend(range(start, end))
            else:  # a number word: all its digits point at the word
                positions.extend([start] * (len(d) - 1) + [end - 1])
        starts = [start for start, _, _ in run]
        offset = 0
        skip_to = 0
        for start, _end, d in run:
            explicit = digits.startswith("0031", offset) or (
                digits.startswith("31", offset) and start and norm[start - 1] == "+"
            )
            if offset >= skip_to and (explicit or not international):
                found = _national(digits[offset : offset + 14])  # "0031 0…" + 9 at most
                if found:
                    used = found[0] + found[1]
                    last = positions[offset + used - 1]
                    stop = run[bisect.bisect_right(starts, last) - 1][1]
                    begin = start - 1 if start and norm[start - 1] == "+" else start
                    yield begin, stop
                    skip_to = offset + used
            offset += len(d)


# ---------------------------------------------------------------------------------------------
# Email addresses

_LOCAL = r"(?<![a-z0-9._%+\-])[a-z0-9._%+\-]{1,64}"
_EMAIL = re.compile(_LOCAL + r"@[a-z0-9\-]{1,63}(?:\.[a-z0-9\-]{1,63}){1,4}")
_OPEN, _CLOSE = r"[\[({<]", r"[\])}>]"
_AT_WORDS = r"(?:@|at|apenstaartje|aapje|atje)"
_DOT_WORDS = r"(?:\.|punt|dot)"
_EMAIL_HIDDEN = re.compile(
    _LOCAL
    + rf"(?:\s{{0,3}}@\s{{0,3}}|\s{{0,3}}{_OPEN}\s{{0,3}}{_AT_WORDS}\s{{0,3}}{_CLOSE}\s{{0,3}}"
    + rf"|\s{{1,3}}{_AT_WORDS}\s{{1,3}})"
    + r"([a-z0-9\-]{2,63})"
    + rf"(?:(?:\.|\s{{0,3}}{_OPEN}\s{{0,3}}{_DOT_WORDS}\s{{0,3}}{_CLOSE}\s{{0,3}}"
    + rf"|\s{{1,3}}{_DOT_WORDS}\s{{1,3}}|\s{{1,3}}\.\s{{0,3}})([a-z]{{2,6}}))?(?![a-z0-9])"
)
_MAIL_PROVIDERS = frozenset(
    "gmail hotmail outlook icloud yahoo ziggo kpnmail kpnplanet planet xs4all protonmail proton "
    "msn upcmail casema chello telfort tele2 quicknet gmx".split()
)
_TLDS = frozenset("nl com net org be eu de info me io co uk fr biz email mail".split())


def _emails(norm: str):
    for m in _EMAIL.finditer(norm):
        yield m.span()
    for m in _EMAIL_HIDDEN.finditer(norm):
        domain, tld = m.group(1), m.group(2)
        if (tld and tld in _TLDS) or domain in _MAIL_PROVIDERS:
            yield m.span()


# ---------------------------------------------------------------------------------------------
# Social-media accounts

_PLATFORM_NAMES = (
    "insta instagram ig snap snapchat sc tiktok discord dc telegram tg whatsapp signal kik twitter "
    "fb facebook bereal twitch youtube yt roblox steam threads skype psn xbox"
).split()
# For pseudonyms (forms.clean_pseudonym): "snap.naam" or "naam.nl" is a handle or a domain.
PLATFORM_NAMES = frozenset(_PLATFORM_NAMES)
TLDS = _TLDS
# Longest first, so "snapchat naam" is not read as "snap" with the name "chat".
_PLATFORMS = "(?:" + "|".join(sorted(_PLATFORM_NAMES, key=len, reverse=True)) + ")"
_NAME = r"@?([a-z0-9._]{2,30})"
_ACCOUNT_WORD = r"(?:\s{0,3}(?:naam|name|account|username|user|id|tag))?"
_ACCOUNTS = (
    # "insta: naam", "snap = naam", "sc - naam"
    re.compile(rf"(?<![a-z0-9]){_PLATFORMS}{_ACCOUNT_WORD}\s{{0,3}}(?:[:=]|\s-)\s{{0,3}}{_NAME}"),
    # "add me op snapchat naam", "volg me op insta: naam"
    re.compile(
        rf"(?<![a-z0-9])(?:add|adden|volg|follow|zoek|search|dm|stuur|app|spreek|chat|vind)"
        rf"\s{{1,3}}(?:me|mij|ons)\s{{1,3}}(?:op|on|via|in)\s{{1,3}}{_PLATFORMS}{_ACCOUNT_WORD}"
        rf"\s{{0,3}}[:\-=]?\s{{0,3}}{_NAME}"
    ),
    # "mijn insta is naam", "m'n snapnaam is naam"
    re.compile(
        rf"(?<![a-z0-9])(?:mijn|m'n|mn|me)\s{{1,3}}{_PLATFORMS}{_ACCOUNT_WORD}"
        rf"\s{{1,3}}(?:is|=|:)\s{{0,3}}{_NAME}"
    ),
)
# "tiktok lisa_2010": a platform followed by something shaped like a handle
_PLATFORM_HANDLE = re.compile(rf"(?<![a-z0-9]){_PLATFORMS}\s{{1,3}}{_NAME}")
_AT_HANDLE = re.compile(r"(?<![a-z0-9._%+\-@])@([a-z0-9._]{2,30})")
_DISCORD_TAG = re.compile(r"(?<![a-z0-9._])[a-z0-9._]{2,32}#[0-9]{4}(?![0-9])")
# Places after "@" that mean "at", not an account.
AT_WORDS = frozenset(
    "school home thuis werk work kerk sport training stage club huis oma opa mama papa "
    "gym sporthal station strand".split()
)
# Words after "insta:" or "mijn snap is" that are not a name.
_NOT_NAMES = frozenset(
    "ik jij je ja nee niet geen heb het de een is zit ben wel ook maar en of op in haha lol "
    "prive privé kapot weg gehackt verwijderd leeg saai openbaar nieuw oud stuk gesloten "
    "offline online priv nog al er dat die dit zo te van voor met naar bij om als dan wat "
    "hoe waarom want echt super heel erg me mij mijn jou jouw zijn hun ons account naam "
    "verslavend geblokkeerd down vol dm dms chat chatten mag mogen kan kun moet wil ga gaat "
    "doe doet zat had was bent kom komt gebruik nooit soms vaak altijd alleen gewoon eigenlijk "
    "trouwens zelf iedereen niemand iemand veel weinig meer minder beter leuk stom zie zag "
    "sorry oke ok omdat toen nu daar hier hebben".split()
)


def _clean_name(norm: str, start: int, end: int) -> tuple[int, str]:
    name = norm[start:end].rstrip(".")  # a full stop ends the sentence; "_" is the name's
    return start + len(name), name


def _accounts(norm: str):
    for pattern in _ACCOUNTS:
        for m in pattern.finditer(norm):
            end, name = _clean_name(norm, *m.span(1))
            if len(name) >= 2 and name not in _NOT_NAMES:
                yield m.start(), end
    for m in _PLATFORM_HANDLE.finditer(norm):
        end, name = _clean_name(norm, *m.span(1))
        shaped = any(c.isalpha() for c in name) and any(c in "0123456789._" for c in name)
        if shaped or norm[m.start(1) - 1] == "@":
            yield m.start(), end
    for m in _AT_HANDLE.finditer(norm):
        end, name = _clean_name(norm, *m.span(1))
        if len(name) >= 2 and name not in AT_WORDS:
            yield m.start(), end
    for m in _DISCORD_TAG.finditer(norm):
        yield m.span()


# ---------------------------------------------------------------------------------------------
# Street addresses and postcodes

_STREET_SUFFIXES = (
    r"(?:straat|weg|laan|plein|singel|gracht|dijk|hof|pad|kade|dreef|park|steeg|plantsoen"
    r"|boulevard|wal|markt|erf|hoeve|burcht|veste|haven)"
)
_UNITS = (
    r"(?:keer|x|min|minuten|minuutjes|uur|uurtjes|dagen|dag|weken|week|jaar|jaren|km|kilometer"
    r"|meter|m|euro|eur|%|procent|kwartier|seconden|sec|maanden|maand|personen|mensen|kinderen"
    r"|jongeren|vrienden|stuks|huizen|bomen|graden|kg|kilo|gram|liter|cm|auto's|autos|fietsen"
    r"|jongens|meisjes|leerlingen|klassen|man|vrouwen|honden|katten|bussen|punten|goals"
    r"|doelpunten|plekken|banken|tafels|rondjes|rondes|euro's)"
)
_STREET = re.compile(
    r"(?<![a-z])(?:(?:van|de|der|den|het|ter|ten|sint|st|burgemeester|dr|prins|koning)\s{1,3}){0,3}"
    rf"([a-z][a-z'\-]{{1,30}}?{_STREET_SUFFIXES})\s{{1,3}}(?:nr\.?\s{{0,3}}|nummer\s{{1,3}}|no\.?\s{{0,3}})?"
    rf"[1-9][0-9]{{0,3}}(?:\s?-?\s?[a-z](?![a-z]))?(?![0-9,.]?[0-9])(?!\s{{0,3}}{_UNITS}(?![a-z]))"
)
# Compounds that end like a street but are not one ("onderweg 10 minuten" is also caught by the
# units, but "ik ben onderweg 2" is not).
_NOT_STREETS = frozenset(
    "onderweg snelweg halfweg zijweg pretpark attractiepark dierenpark themapark "
    "vakantiepark fietspad voetpad wandelpad zebrapad ruiterpad speelplein "
    "schoolplein vismarkt rommelmarkt vlooienmarkt kerstmarkt jaarmarkt weekmarkt "
    "zwembad binnenhof".split()
)
_POSTCODE = re.compile(r"(?<![a-z0-9])[1-9][0-9]{3}(\s?)([a-z]{2})(?![a-z0-9])")
_NOT_POSTCODE_LETTERS = frozenset(
    "sa sd ss km kg mg ml cm mm dm gb mb kb tb hz pm am th st nd rd pk kw ps hd xl xs".split()
)
# Two-letter words that follow a year in shouted text ("IN 2015 EN 2016"); a real postcode with
# these letters still counts when written without a space or after the word "postcode".
_TWO_LETTER_WORDS = frozenset(
    "en is of op in om te ik je we ze nu al ja na zo er ga de da ok oh he uw tv pc vs ps bv ca "
    "me mn nl eu hoi".split()
)
_POSTCODE_WORD = re.compile(r"postcode\s{0,3}(?:is|:)?\s{0,3}$")


def _addresses(norm: str, original: str, origin: list[int]):
    for m in _STREET.finditer(norm):
        if m.group(1) not in _NOT_STREETS:
            yield m.span()
    for m in _POSTCODE.finditer(norm):
        space, letters = m.group(1), m.group(2)
        if letters in _NOT_POSTCODE_LETTERS:
            continue
        if space:
            # "in 2015 en" has the same shape: a spaced postcode needs capitals or "postcode"
            written = original[origin[m.start(2)] : origin[m.end(2) - 1] + 1]
            before = norm[max(0, m.start() - 16) : m.start()]
            if _POSTCODE_WORD.search(before):
                pass
            elif not written.isupper() or letters in _TWO_LETTER_WORDS:
                continue
        yield m.span()


# ---------------------------------------------------------------------------------------------
# Watch-list entries

_PATTERN_MAX = 200
# Nested quantifiers ("(a+)+") are the usual way to catastrophic backtracking.
_NESTED_QUANTIFIER = re.compile(r"\([^()]*[+*][^()]*\)\s*[+*{]")
_LEET = {"a": "a4@", "e": "e3", "i": "i1!", "o": "o0", "s": "s5$", "t": "t7", "l": "l1"}


@functools.lru_cache(maxsize=1024)
def compile_entry(entry: str) -> re.Pattern | None:
    """The pattern for one watch-list entry, or None if it is empty, too long or invalid."""
    entry = entry.strip()
    if not entry:
        return None
    if len(entry) > 2 and entry.startswith("/") and entry.endswith("/"):
        source = entry[1:-1]
        if len(source) > _PATTERN_MAX or _NESTED_QUANTIFIER.search(source):
            return None
        try:
            return re.compile(source)
        except (re.error, RecursionError, OverflowError, ValueError):
            return None
    words = re.findall(r"[a-z0-9@$!]+", normalise(entry)[0])
    if not words:
        return None
    parts = []
    for word in words:
        # "wiiiet", "w13t": each letter may repeat a few times and take its leet digit.
        # Bounded ({1,4}) so "doooo…" cannot backtrack.
        letters = []
        for char in word:
            cls = _LEET.get(char)
            letters.append(f"[{re.escape(cls)}]{{1,4}}" if cls else f"{re.escape(char)}{{1,4}}")
        parts.append("".join(letters))
    # Between the words: up to five other characters, or none at all. A soft hyphen (U+00AD,
    # dropped with the other format characters) where the space was, "wiet te\u00adkoop", reads
    # "wiet tekoop" on screen and must be held like "wiet te koop".
    body = r"[^a-z0-9]{0,5}".join(parts)
    return re.compile(rf"(?<![a-z0-9]){body}(?![a-z0-9])")


def _entries(norm: str, entries: tuple[str, ...]):
    for entry in entries:
        pattern = compile_entry(entry)
        if pattern is None:
            continue
        try:
            for m in pattern.finditer(norm):
                if m.end() > m.start():
                    yield m.span()
        except (re.error, RecursionError):
            continue


# ---------------------------------------------------------------------------------------------
# Result and entry point

_KIND_ORDER = ("telefoon", "email", "account", "adres", "woord")
_PERSONAL = frozenset({"telefoon", "email", "account", "adres"})


def _kind_names() -> dict[str, str]:
    return {
        "telefoon": gettext("een telefoonnummer"),
        "email": gettext("een e-mailadres"),
        "account": gettext("een account of gebruikersnaam (zoals op Snapchat of Instagram)"),
        "adres": gettext("een adres of postcode"),
        "woord": gettext("een woord dat hier niet is toegestaan"),
    }


@dataclass(frozen=True)
class Screening:
    matches: tuple[Match, ...]

    def _with(self, action: Action) -> tuple[Match, ...]:
        return tuple(m for m in self.matches if m.action == action)

    @property
    def blocked(self) -> tuple[Match, ...]:
        return self._with(Action.BLOCK)

    @property
    def held(self) -> tuple[Match, ...]:
        return self._with(Action.HOLD)

    @property
    def crisis(self) -> tuple[Match, ...]:
        return self._with(Action.CRISIS)

    @property
    def message(self) -> str:
        """Why a blocked post was stopped, naming what was found; "" when nothing was."""
        kinds = {m.kind for m in self.blocked}
        if not kinds:
            return ""
        names = _kind_names()
        found = [names[kind] for kind in _KIND_ORDER if kind in kinds]
        if len(found) == 1:
            listed = found[0]
        else:
            listed = gettext("%(first)s en %(last)s") % {
                "first": ", ".join(found[:-1]),
                "last": found[-1],
            }
        parts = [gettext("Het lijkt erop dat je bericht %(found)s bevat.") % {"found": listed}]
        if kinds & _PERSONAL:
            parts.append(
                gettext(
                    "Om je te beschermen plaatsen we geen contactgegevens of adressen op de "
                    "vrijplaats. Wil je iemand spreken? Dat kan hier, in het gesprek."
                )
            )
        parts.append(
            gettext("Je tekst is bewaard: haal dat stukje weg en plaats je bericht daarna opnieuw.")
        )
        return " ".join(parts)


def screen(text: str, watch: WatchList = WatchList()) -> Screening:  # noqa: B008
    """Screen one post. Never raises on any string."""
    norm, origin = normalise(text or "")
    length = len(text or "")

    def match(action: Action, kind: str, span: tuple[int, int]) -> Match:
        start, end = _span(origin, span[0], span[1], length)
        return Match(action, kind, text[start:end], start, end)

    # Blocking kinds in order of priority: an email can hold a phone number or an "@domain",
    # so the more specific match wins and an overlapping lesser one is dropped.
    found: list[tuple[str, tuple[int, int]]] = []
    found += [("email", span) for span in _emails(norm)]
    found += [("telefoon", span) for span in _phones(norm)]
    found += [("account", span) for span in _accounts(norm)]
    found += [("adres", span) for span in _addresses(norm, text, origin)]
    found += [("woord", span) for span in _entries(norm, watch.block)]
    # Kept spans are disjoint, so sorted by start they are sorted by end too: only the kept
    # span just before the new end can overlap it (a bisect, not a scan: 20 kB of numbers).
    starts: list[int] = []
    ends: list[int] = []
    matches: list[Match] = []
    for kind, (start, end) in found:
        index = bisect.bisect_left(starts, end)
        if index and ends[index - 1] > start:
            continue
        starts.insert(index, start)
        ends.insert(index, end)
        matches.append(match(Action.BLOCK, kind, (start, end)))

    for action, entries in (
        (Action.HOLD, tuple(watch.hold) + DEFAULT_HOLD),
        (Action.CRISIS, tuple(watch.crisis) + DEFAULT_CRISIS),
    ):
        # One match per place: a span inside an earlier (or equal) one is dropped.
        reach = -1
        for span in sorted(set(_entries(norm, entries)), key=lambda s: (s[0], -s[1])):
            if span[1] <= reach:
                continue
            reach = span[1]
            matches.append(match(action, "woord", span))

    matches.sort(key=lambda m: (m.start, m.end))
    return Screening(tuple(matches))
