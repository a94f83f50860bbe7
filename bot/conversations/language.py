"""Which language a conversation is answered in.

Chosen from the buyer's first messages by a language identifier that ships its models
(`lingua-language-detector`, low-accuracy mode: ~40 MB instead of ~400 MB, and buyer
vocabulary below fixes what it misses on short messages), with the channel's hint (Telegram's
`language_code`, the widget's `locale`) as the prior. It then sticks: a one-word message, a
bare tracking number or a later message in another language does not flip it; only an
explicit request ("in English please", "auf Deutsch", `/language de`) does. A buyer writing
a language we do not offer gets an honest answer in the default language naming the offered
ones.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# The buyer's first messages set the language; after this many it only changes on request.
SETTLING_MESSAGES = 3
# Fewer words than this (numbers not counted) say nothing about the language.
MIN_WORDS = 2
# An unoffered language must be this clear (identifier confidence) before we say so.
UNSUPPORTED_CONFIDENCE = 0.7

# Words buyers write about parcels, without accents, that tell a language apart on short
# messages where character statistics are weak (and Russian typed in Latin letters).
HINTS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "where",
            "is",
            "my",
            "the",
            "parcel",
            "package",
            "order",
            "tracking",
            "hi",
            "hello",
            "thanks",
            "thank",
            "you",
            "customs",
            "when",
            "why",
            "delivered",
            "not",
            "yet",
            "please",
            "help",
            "arrived",
            "still",
            "hasnt",
            "didnt",
        ]
    ),
    "es": frozenset(
        [
            "donde",
            "esta",
            "mi",
            "paquete",
            "pedido",
            "envio",
            "llega",
            "llegado",
            "hola",
            "gracias",
            "aduana",
            "cuando",
            "porque",
            "ayuda",
            "todavia",
            "aun",
            "llego",
            "recibido",
            "sigue",
            "buenas",
            "quiero",
            "saber",
        ]
    ),
    "de": frozenset(
        [
            "wo",
            "ist",
            "mein",
            "meine",
            "paket",
            "sendung",
            "nicht",
            "noch",
            "bitte",
            "danke",
            "hallo",
            "angekommen",
            "zoll",
            "wann",
            "kommt",
            "lieferung",
            "hilfe",
            "bestellung",
            "warum",
            "immer",
            "schon",
            "habe",
        ]
    ),
    "fr": frozenset(
        [
            "ou",
            "est",
            "mon",
            "ma",
            "colis",
            "commande",
            "livraison",
            "bonjour",
            "merci",
            "douane",
            "quand",
            "pourquoi",
            "toujours",
            "pas",
            "recu",
            "arrive",
            "svp",
            "je",
            "suis",
            "bloque",
            "aide",
        ]
    ),
    "pt": frozenset(
        [
            "cade",
            "meu",
            "minha",
            "pacote",
            "encomenda",
            "entrega",
            "obrigado",
            "obrigada",
            "ola",
            "oi",
            "alfandega",
            "quando",
            "nao",
            "chegou",
            "ainda",
            "rastreio",
            "voce",
            "rastreamento",
            "ta",
            "esta",
        ]
    ),
    "ru": frozenset(
        [
            "gde",
            "moya",
            "moi",
            "posylka",
            "posylku",
            "zakaz",
            "trek",
            "nomer",
            "privet",
            "spasibo",
            "kogda",
            "tamozhnya",
            "pochemu",
            "prishla",
            "dostavka",
        ]
    ),
}

# Explicit requests for a language, matched on the accent-free lower-case message.
_REQUESTS: tuple[tuple[str, str], ...] = (
    ("en", r"\b(?:in |speak |write (?:in )?)?english(?: please| pls)?\b|\benglisch\b|\bingles\b"),
    ("es", r"\b(?:en |habla |hablar )espanol\b|\bespanol(?: por favor| porfa)\b|\bspanish\b"),
    ("de", r"\bauf deutsch\b|\bdeutsch bitte\b|\b(?:in |speak )german\b|\bsprechen sie deutsch"),
    ("fr", r"\ben francais\b|\bparlez(?:-vous)? francais\b|\b(?:in |speak )french\b"),
    ("pt", r"\bem portugues\b|\bfala(?:r)? portugues\b|\b(?:in |speak )portuguese\b"),
    ("ru", r"по[- ]русски|на русском|\bpo[- ]russki\b|\b(?:in |speak )russian\b"),
    ("it", r"\bin italiano\b|\bparla italiano\b"),
    ("pl", r"\bpo polsku\b"),
    ("nl", r"\bin het nederlands\b"),
    ("tr", r"\bturkce\b"),
)
_COMMAND = re.compile(r"^/language(?:@\w+)?(?:\s+([a-z]{2}))?\s*$")
_WORD = re.compile(r"[^\W\d_]{2,}")


def _fold(text: str) -> str:
    """Lower case without accents ("Español" -> "espanol"); Cyrillic is kept."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_NOT_LANGUAGE = re.compile(
    r"<[^>]{0,500}>"  # markup: tag and attribute names are not the buyer's language
    r"|\bhttps?://\S+"  # links
    r"|\S+@\S+"  # e-mail addresses
    r"|\S*\d\S*"  # anything with a digit: tracking and order numbers, dates, prices
)


def readable(text: str) -> str:
    """The part of a message that says something about its language: without markup, links,
    e-mail addresses and anything with digits in it."""
    return _NOT_LANGUAGE.sub(" ", text)


def words(text: str) -> list[str]:
    """The words of a message; tokens with digits (tracking numbers) are not words."""
    return [w for w in _WORD.findall(_fold(text)) if not any(ch.isdigit() for ch in w)]


def requested(text: str) -> str | None:
    """The language the buyer explicitly asks for ("auf Deutsch" -> "de"), or None."""
    folded = _fold(text).strip()
    command = _COMMAND.match(folded)
    if command:
        return command.group(1) or ""
    for code, pattern in _REQUESTS:
        if re.search(pattern, folded):
            return code
    return None


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    wanted = [
        Language.ENGLISH,
        Language.SPANISH,
        Language.GERMAN,
        Language.FRENCH,
        Language.PORTUGUESE,
        Language.RUSSIAN,
        # Languages we do not offer but buyers write, so they are not forced onto ours.
        Language.ITALIAN,
        Language.DUTCH,
        Language.POLISH,
        Language.TURKISH,
        Language.UKRAINIAN,
        Language.CHINESE,
        Language.JAPANESE,
        Language.ARABIC,
    ]
    return LanguageDetectorBuilder.from_languages(*wanted).with_low_accuracy_mode().build()


def identify(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, score) of the message's most likely language: the identifier's
    confidence plus 0.4 per buyer-vocabulary word of that language."""
    scores: dict[str, float] = {}
    for value in _detector().compute_language_confidence_values(text):
        code = value.language.iso_code_639_1.name.lower()
        scores[code] = float(value.value)
    for word in words(text):
        for code, vocabulary in HINTS.items():
            if word in vocabulary:
                scores[code] = scores.get(code, 0.0) + 0.4
    if not scores:
        return "", 0.0
    best = max(scores, key=lambda c: scores[c])
    return best, scores[best]


@dataclass(frozen=True)
class Choice:
    """The language to answer this message in. `changed`: differs from the conversation's so
    far; `requested`: the buyer asked for it; `unsupported`: the buyer writes (or asked for) a
    language we do not offer (its code)."""

    lang: str
    changed: bool = False
    requested: bool = False
    unsupported: str | None = None


@dataclass(frozen=True)
class LanguagePolicy:
    offered: tuple[str, ...] = ("en", "es", "de", "fr", "pt", "ru")
    default: str = "en"

    def normalise(self, tag: str | None) -> str | None:
        """`"pt-BR"` -> `"pt"` when offered; None otherwise."""
        if not tag:
            return None
        code = tag.lower().replace("_", "-").split("-")[0]
        return code if code in self.offered else None

    def choose(
        self,
        text: str,
        *,
        current: str,
        prior: str | None,
        earlier_messages: int,
        chosen: bool = False,
    ) -> Choice:
        """The language for this message of a conversation now speaking `current`, whose
        channel hints `prior`, after `earlier_messages` buyer messages; `chosen`: the buyer
        asked for `current` earlier, so only another request changes it."""
        current = self.normalise(current) or self.default
        asked = requested(text)
        if asked == "":  # a bare `/language`: the caller shows the menu
            return Choice(current, requested=True)
        if asked is not None:
            if asked in self.offered:
                return Choice(asked, changed=asked != current, requested=True)
            return Choice(current, requested=True, unsupported=asked or "?")
        hinted = self.normalise(prior)
        settling = earlier_messages < SETTLING_MESSAGES
        if chosen or not settling:
            return Choice(current)
        fallback = hinted or current
        plain = readable(text)
        count = len(words(plain))
        # A command or a button's payload ("/request_human") is not the buyer's language.
        if count < MIN_WORDS or text.lstrip().startswith("/"):
            return Choice(fallback, changed=fallback != current)
        code, score = identify(plain)
        if code in self.offered:
            # A channel hint (the phone's or browser's language) yields to a clear message.
            if hinted and code != hinted and (score < 0.5 or count < 3):
                return Choice(hinted, changed=hinted != current)
            return Choice(code, changed=code != current)
        if code and score >= UNSUPPORTED_CONFIDENCE and count >= 3:
            lang = hinted or self.default
            return Choice(lang, changed=lang != current, unsupported=code)
        return Choice(fallback, changed=fallback != current)
