"""The widget's own words (buttons, statuses, labels) in the buyer's language, from the texts
catalogue (`widget.*` keys), for the chat page and the loader on the shop's page."""

from __future__ import annotations

from bot import texts

PREFIX = "widget."


def strings_for(lang: str) -> dict[str, object]:
    """`{"lang", "strings": {key without "widget.": template}, "languages": [{code, name}]}`.
    Templates keep their `{fields}`; the browser fills them in. Unknown language: English."""
    code = texts.normalise(lang)
    english = texts.catalogue("en").messages
    own = texts.catalogue(code).messages
    strings = {
        key[len(PREFIX) :]: own.get(key, template)
        for key, template in english.items()
        if key.startswith(PREFIX)
    }
    languages = [{"code": c, "name": texts.NATIVE_NAMES.get(c, c)} for c in texts.languages()]
    return {"lang": code, "strings": strings, "languages": languages}


def first_offered(accept_language: str) -> str:
    """The first language of an `Accept-Language` header that has a catalogue (quality values
    honoured), else English."""
    ranked = []
    for index, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, index, tag.strip()))
    for _q, _i, tag in sorted(ranked):
        code = tag.lower().replace("_", "-").split("-")[0]
        if code in texts.languages():
            return code
    return texts.DEFAULT_LANG
