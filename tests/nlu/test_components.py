"""The number-aware tokenizer and the entity extractor, as Rasa runs them."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.extractor import ParcelNumberExtractor
from bot.nlu.tokenizer import NumberAwareTokenizer


def tokens(text: str) -> list[tuple[str, int, int]]:
    tokenizer = NumberAwareTokenizer(NumberAwareTokenizer.get_default_config())
    message = Message(data={TEXT: text})
    return [(t.text, t.start, t.end) for t in tokenizer.tokenize(message, TEXT)]


def entities(text: str) -> list[dict]:
    message = Message(data={TEXT: text})
    ParcelNumberExtractor().process([message])
    return [
        {k: e[k] for k in ("entity", "value", "start", "end")} for e in message.get(ENTITIES, [])
    ]


def test_a_number_typed_with_spaces_is_one_placeholder_token() -> None:
    assert tokens("where is rr 123 456 785 cn now") == [
        ("where", 0, 5),
        ("is", 6, 8),
        ("trackingnumber", 9, 26),
        ("now", 27, 30),
    ]


def test_different_numbers_look_the_same_to_the_classifier() -> None:
    first = [t[0] for t in tokens("track RR123456785CN pls")]
    second = [t[0] for t in tokens("track 1Z5R89390357567127 pls")]
    assert first == second == ["track", "trackingnumber", "pls"]


def test_order_numbers_become_their_own_placeholder() -> None:
    assert [t[0] for t in tokens("order #100234 where")] == ["order", "ordernumber", "where"]


def test_a_message_that_is_only_a_number_is_one_token() -> None:
    assert tokens("LP526018152HK") == [("trackingnumber", 0, 13)]


def test_text_without_numbers_is_tokenized_like_whitespace() -> None:
    assert [t[0] for t in tokens("hello, where is my parcel?")] == [
        "hello",
        "where",
        "is",
        "my",
        "parcel",
    ]


def test_the_entity_value_is_the_normalised_number_and_the_span_is_as_typed() -> None:
    text = "hi my parcel rr 123 456 785 cn where"
    [entity] = entities(text)
    assert entity["entity"] == "tracking_number"
    assert entity["value"] == "RR123456785CN"
    assert text[entity["start"] : entity["end"]] == "rr 123 456 785 cn"


def test_every_number_of_a_message_is_an_entity() -> None:
    found = entities("UA242731678SG and 1Z879E930346834440, order 58392011")
    assert [(e["entity"], e["value"]) for e in found] == [
        ("tracking_number", "UA242731678SG"),
        ("tracking_number", "1Z879E930346834440"),
        ("order_number", "58392011"),
    ]


def test_a_repaired_number_says_what_was_typed() -> None:
    message = Message(data={TEXT: "track rr12345678scn pls"})
    ParcelNumberExtractor().process([message])
    [entity] = message.get(ENTITIES)
    assert (entity["value"], entity["corrected_from"]) == ("RR123456785CN", "RR12345678SCN")


def test_a_wrong_check_digit_is_still_extracted_so_the_form_can_explain_it() -> None:
    assert [e["value"] for e in entities("is it RR123456786CN")] == ["RR123456786CN"]


@pytest.mark.parametrize("text", ["hello there", "i paid 25 dollars", "call me at 5 pm"])
def test_ordinary_text_has_no_number_entities(text: str) -> None:
    assert entities(text) == []
