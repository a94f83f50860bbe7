"""Rasa's responses come from the catalogue, in the language the gateway chose."""

from __future__ import annotations

from bot import nlg, texts


def _body(name, lang, slots=None, **arguments):
    events = [{"event": "user", "text": "x", "metadata": {"language": lang}}]
    return {
        "response": name,
        "arguments": arguments,
        "tracker": {"events": events, "slots": slots or {}},
        "channel": {"name": "rest"},
    }


def test_it_words_a_response_in_the_conversations_language():
    for lang in texts.languages():
        answer = nlg.render(_body("utter_greet", lang))
        assert answer["text"] == texts.text("utter_greet", lang)


def test_it_fills_fields_from_arguments_and_slots():
    answer = nlg.render(_body("utter_subscribed", "en", number="RR123456785CN"))
    assert "RR123456785CN" in answer["text"]
    answer = nlg.render(_body("utter_ask_order_check", "en", slots={"order": "#1001"}))
    assert "#1001" in answer["text"]


def test_it_translates_the_buttons():
    answer = nlg.render(_body("utter_offer_help", "en"))
    assert [b["payload"] for b in answer["buttons"]] == ["/request_human", "/deny"]
    assert answer["buttons"][0]["title"] == texts.text("button.request_human", "en")


def test_every_domain_response_has_words():
    import yaml

    domain = yaml.safe_load((texts.LOCALE_DIR.parents[2] / "domain.yml").read_text())
    for name in domain["responses"]:
        assert texts.has_text(name), name


def test_buttons_an_action_passes_are_left_to_rasa_so_they_are_shown_once():
    # Rasa 3.6 extends the NLG answer with the action's buttons (RemoteAction._utter_responses).
    import inspect

    from rasa.core.actions.action import RemoteAction

    assert 'draft["buttons"].extend(buttons)' in inspect.getsource(RemoteAction._utter_responses)
    given = [{"title": "DHL", "payload": "dhl"}, {"title": "Not sure", "payload": "/deny"}]
    answer = nlg.render(_body("utter_ask_carrier", "en", number="RR123456785CN", buttons=given))
    assert answer["buttons"] == []
    assert answer["text"]
