"""English sentences, in short words and short sentences: many buyers read English as a second
language.

Template fields used below:
  {scan} a quoted scan ('Arrived at sorting centre, Frankfurt'), {date} a written date,
  {ago} an age in words, {destination}/{origin}/{country} country names, {days} a number,
  {number} a tracking number, {suggestion} a repaired number, {status} a status name,
  {shipped_date}/{shipped_ago} when the seller shipped.
"""

from __future__ import annotations

from bot.tracking.texts.catalogue import Catalogue
from bot.tracking.texts.en_answers import ANSWERS


def _days_ago(days: int) -> str:
    if days <= 0:
        return "less than a day ago"
    if days == 1:
        return "1 day ago"
    return f"{days} days ago"


MESSAGES: dict[str, str] = {
    # Main statuses, as words inside a sentence.
    "status.not_found": "not found yet",
    "status.info_received": "label created",
    "status.in_transit": "in transit",
    "status.available_for_pickup": "ready for pickup",
    "status.out_for_delivery": "out for delivery",
    "status.delivery_failure": "delivery failed",
    "status.delivered": "delivered",
    "status.exception": "problem reported",
    "status.expired": "no more updates",
    "status.line": "Parcel {number}: {status} — {scan} on {date}.",
    "status.line_no_scans": "Parcel {number}: {status} — no scans yet.",
    # A scan as it is quoted inside a sentence.
    "scan.quote": "'{label}'",
    "country.your_country": "your country",
    "country.origin_unknown": "the sender's country",
    # Facts, quoted in the explanations.
    "evidence.last_scan": "The last scan was {scan} on {date}, {ago}.",
    "evidence.no_scans": "The carrier has no scans for this number yet.",
    "evidence.no_scans_shipped": (
        "The carrier has no scans for this number yet. The seller shipped it on {shipped_date}, "
        "{shipped_ago}."
    ),
    "evidence.no_details": "The carrier gave no scan details.",
    "evidence.label_only": (
        "The carrier only has the label data so far. It was created on {date}, {ago}."
    ),
    # Short names of the reasons, for lists and the staff console.
    "reason.invalid_number.title": "Wrong tracking number",
    "reason.not_yet_updated.title": "Tracking not updated yet",
    "reason.awaiting_handover.title": "Not yet handed to the carrier",
    "reason.international_transit.title": "Between countries",
    "reason.customs_clearance.title": "In customs",
    "reason.customs_action_required.title": "Customs needs something from you",
    "reason.postal_sync_delay.title": "Local post has not updated yet",
    "reason.data_error.title": "Carrier does not know the number",
    "reason.stalled.title": "No movement for a long time",
    "reason.delivery_problem.title": "Problem with the delivery",
    "reason.on_track.title": "On its way",
    "reason.delivered.title": "Delivered",
    # invalid_number
    "reason.invalid_number.default.summary": (
        "{number} is not a valid tracking number. One of its characters is probably wrong, "
        "because the check digit does not match."
    ),
    "reason.invalid_number.default.next_step": (
        "Please copy the number again from your order or the seller's message and send it to me."
    ),
    # The number typed fails its check digit, and a look-alike repair (O for 0) would pass;
    # used by the tracking form (actions/forms.py) to offer the repaired number.
    "reason.invalid_number.suggestion.summary": (
        "{number} is not a valid tracking number. One of its characters is probably wrong, "
        "because the check digit does not match."
    ),
    "reason.invalid_number.suggestion.next_step": (
        "Did you mean {suggestion}? If not, please copy the number again from your order."
    ),
    "reason.invalid_number.unknown_country.summary": (
        "{number} is not a valid tracking number. Its last two letters should be the code of "
        "the sender's country, and they are not."
    ),
    "reason.invalid_number.unknown_country.next_step": (
        "Please copy the number again from your order or the seller's message and send it to me."
    ),
    "reason.invalid_number.carrier_rejected.summary": (
        "The carrier says {number} is not a valid tracking number."
    ),
    "reason.invalid_number.carrier_rejected.next_step": (
        "Please copy the number again from your order or the seller's message and send it to me."
    ),
    # not_yet_updated
    "reason.not_yet_updated.no_scans.summary": (
        "{evidence} This is normal for a new parcel: carriers often show the first scan "
        "a few days after the label is made."
    ),
    "reason.not_yet_updated.no_scans.next_step": (
        "Please wait. The first scan usually comes within {days} days of shipping."
    ),
    "reason.not_yet_updated.no_scans_shipped.summary": (
        "{evidence} This is normal in the first days: carriers often show the first scan "
        "a few days after shipping."
    ),
    "reason.not_yet_updated.no_scans_shipped.next_step": (
        "Please wait. The first scan usually comes within {days} days of shipping."
    ),
    "reason.not_yet_updated.label_only.summary": (
        "{evidence} The carrier has not scanned the parcel itself yet. "
        "This is normal in the first days."
    ),
    "reason.not_yet_updated.label_only.next_step": (
        "Please wait. The carrier scans the parcel when it picks it up from the seller."
    ),
    # awaiting_handover
    "reason.awaiting_handover.default.summary": (
        "{evidence} The parcel has probably not been handed to the carrier yet."
    ),
    "reason.awaiting_handover.default.next_step": (
        "Ask the seller when they gave the parcel to the carrier. Our team can ask for you."
    ),
    # international_transit
    "reason.international_transit.normal.summary": (
        "{evidence} While a parcel is between countries it is not scanned, "
        "so this silence is normal."
    ),
    "reason.international_transit.normal.next_step": (
        "Please wait. The next scan comes when the parcel arrives in {destination}."
    ),
    "reason.international_transit.slow.summary": (
        "{evidence} Parcels are not scanned between countries, but this trip is taking "
        "longer than usual (normally up to {days} days)."
    ),
    "reason.international_transit.slow.next_step": (
        "Please wait a few more days. Parcels are often sent in large batches, which can add "
        "a week. You can also look up the number on the website of the post in {destination}."
    ),
    # customs_clearance
    "reason.customs_clearance.normal.summary": (
        "{evidence} The parcel is with customs in {country}. "
        "Customs checks usually take a few days."
    ),
    "reason.customs_clearance.normal.next_step": (
        "Please wait. Customs will release the parcel, or contact you if they need something."
    ),
    "reason.customs_clearance.slow.summary": (
        "{evidence} The parcel is with customs in {country}, and this is taking longer than "
        "usual (normally up to {days} days)."
    ),
    "reason.customs_clearance.slow.next_step": (
        "Check your e-mail, text messages and letter box for a message from customs or the "
        "post. If there is none, ask the post in {country} if customs needs anything from you."
    ),
    # customs_action_required
    "reason.customs_action_required.default.summary": (
        "{evidence} Customs in {country} needs something from you, such as a payment of "
        "import tax or a document, before they release the parcel."
    ),
    "reason.customs_action_required.default.next_step": (
        "Follow the instructions from customs or the post (letter, e-mail or text message). "
        "If you did not get any, contact the post in {country} with your tracking number."
    ),
    # postal_sync_delay
    "reason.postal_sync_delay.default.summary": (
        "{evidence} The parcel is already in {destination}. The local post often shows its scans "
        "later than the international tracking does."
    ),
    "reason.postal_sync_delay.default.next_step": (
        "Look up the same number on the website of the post in {destination}. "
        "It often has newer scans."
    ),
    # data_error
    "reason.data_error.default.summary": (
        "The carrier still has no record of this number, but the seller shipped it on "
        "{shipped_date}, {shipped_ago}. The data may have been lost, or the number may be wrong."
    ),
    "reason.data_error.default.next_step": (
        "Ask the seller to check the tracking number and the carrier. "
        "Our team can contact the seller and the carrier for you."
    ),
    # stalled
    "reason.stalled.silent.summary": (
        "{evidence} That is much longer than normal, so the parcel may be lost."
    ),
    "reason.stalled.silent.next_step": (
        "A person from our team should look into this with the carrier and the seller."
    ),
    "reason.stalled.expired.summary": (
        "{evidence} The carrier has stopped updating this parcel, so it may be lost."
    ),
    "reason.stalled.expired.next_step": (
        "A person from our team should look into this with the carrier and the seller."
    ),
    "reason.stalled.lost.summary": "{evidence} The carrier reports that the parcel is lost.",
    "reason.stalled.lost.next_step": (
        "A person from our team should help you with a claim or a new parcel from the seller."
    ),
    # delivery_problem
    "reason.delivery_problem.failed_attempt.summary": (
        "{evidence} The carrier tried to deliver the parcel but could not."
    ),
    "reason.delivery_problem.failed_attempt.next_step": (
        "Look for a note from the carrier. Arrange a new delivery or a pickup with the carrier."
    ),
    "reason.delivery_problem.invalid_address.summary": (
        "{evidence} The carrier says the address is wrong or not complete."
    ),
    "reason.delivery_problem.invalid_address.next_step": (
        "Contact the carrier quickly with the full address, or the parcel may go back to "
        "the seller. Our team can help."
    ),
    "reason.delivery_problem.rejected.summary": "{evidence} The carrier says delivery was refused.",
    "reason.delivery_problem.rejected.next_step": (
        "If you did not refuse it, contact the carrier. Our team can help."
    ),
    "reason.delivery_problem.returning.summary": (
        "{evidence} The parcel is on its way back to the seller."
    ),
    "reason.delivery_problem.returning.next_step": (
        "Contact the seller about a new delivery or a refund. Our team can help."
    ),
    "reason.delivery_problem.returned.summary": (
        "{evidence} The parcel was returned to the seller."
    ),
    "reason.delivery_problem.returned.next_step": (
        "Contact the seller about a new delivery or a refund. Our team can help."
    ),
    "reason.delivery_problem.damaged.summary": (
        "{evidence} The carrier reports that the parcel is damaged."
    ),
    "reason.delivery_problem.damaged.next_step": (
        "Our team can help you with a claim or a new parcel from the seller."
    ),
    "reason.delivery_problem.cancelled.summary": ("{evidence} The shipment was cancelled."),
    "reason.delivery_problem.cancelled.next_step": (
        "Ask the seller why the shipment was cancelled. Our team can help."
    ),
    "reason.delivery_problem.other.summary": (
        "{evidence} The carrier reports a problem with this parcel."
    ),
    "reason.delivery_problem.other.next_step": (
        "Contact the carrier with your tracking number. Our team can help."
    ),
    "reason.delivery_problem.out_for_delivery_stale.summary": (
        "{evidence} The parcel was out for delivery, but it has not been delivered since."
    ),
    "reason.delivery_problem.out_for_delivery_stale.next_step": (
        "Check for a note from the carrier, then contact the carrier. Our team can help."
    ),
    "reason.delivery_problem.pickup_overdue.summary": (
        "{evidence} The parcel has waited at the pickup point for a long time. "
        "Pickup points send parcels back after some days."
    ),
    "reason.delivery_problem.pickup_overdue.next_step": (
        "Collect it as soon as possible, with your ID and the tracking number."
    ),
    # on_track
    "reason.on_track.moving.summary": "{evidence} The parcel is moving normally.",
    "reason.on_track.moving.next_step": "No action is needed. Please wait for the next scan.",
    "reason.on_track.arrived.summary": (
        "{evidence} The parcel is in {destination} now and is moving normally."
    ),
    "reason.on_track.arrived.next_step": (
        "No action is needed. The post in {destination} will deliver it."
    ),
    "reason.on_track.out_for_delivery.summary": ("{evidence} The parcel is out for delivery."),
    "reason.on_track.out_for_delivery.next_step": (
        "Someone should be at the address to receive it, or watch for a note from the carrier."
    ),
    "reason.on_track.pickup.summary": "{evidence} The parcel is ready for you to pick up.",
    "reason.on_track.pickup.next_step": (
        "Collect it with your ID and the tracking number, within {days} days."
    ),
    # delivered
    "reason.delivered.default.summary": "{evidence} The parcel was delivered.",
    "reason.delivered.default.next_step": (
        "If you do not have it, ask your neighbours and check your letter box. "
        "Then tell us and our team will help."
    ),
    # Parts of the full reply.
    "reply.check_again": "Check again after {date}.",
    "reply.offer_human": "Would you like a person from our team to look into it?",
    # Proactive update from the notifier; the full reply follows on the next lines.
    "notify.update": "Update on your parcel {number}:",
    # The gateway's own answers, when the bot cannot answer.
    # Said when the bot is down: the message is kept for the team but will not get an
    # automatic answer later, so the buyer must know to send it again.
    "gateway.unavailable": (
        "Sorry, I cannot answer right now because of a technical problem on our side. "
        "Your message is saved for our team, but I will not answer it automatically later. "
        "Please send it again in a few minutes."
    ),
    # Said when the bot cannot answer for now: the message is kept and answered automatically
    # (in this chat) once the bot is back, or passed to a person if that takes too long.
    "gateway.held": (
        "Sorry, I cannot answer right now because of a technical problem on our side. "
        "Your message is saved, and I will answer it here as soon as I am back, usually within "
        "a few minutes."
    ),
    "gateway.gave_up": (
        "Sorry, I still cannot answer automatically. I have passed your messages to our team, "
        "and a person will reply here."
    ),
    "gateway.empty_message": (
        "Please type your question or your tracking number, and I will look it up."
    ),
    "gateway.failure": "Sorry, something went wrong on our side. Please try again in a moment.",
    # The Telegram channel's own answers and its command menu (bot/channels/telegram/).
    # Say only what the product does: /human records a request for our team, /subscribe saves
    # the last tracked parcel for updates in this chat.
    "telegram.help": (
        "I help you find your parcel.\n"
        "\n"
        "Send me your tracking number, or use these commands:\n"
        "/track <number> - where is my parcel?\n"
        "/subscribe - save the parcel you tracked last for updates in this chat\n"
        "/unsubscribe - stop these updates\n"
        "/human - ask for a person: I record your request for our team\n"
        "/help - this text\n"
        "\n"
        "You can also just write your question, for example: "
        '"Why has my parcel not moved for a week?"'
    ),
    "telegram.choose": "Please choose:",
    "telegram.expired_button": (
        "This button is too old. Please type your question or tracking number."
    ),
    "telegram.unknown_command": "I do not know this command.",
    "telegram.command.track": "Track a parcel: /track <tracking number>",
    "telegram.command.subscribe": "Save your last tracked parcel for updates",
    "telegram.command.unsubscribe": "Stop parcel updates",
    "telegram.command.human": "Ask for a person from our team",
    "telegram.command.help": "What I can do",
    "telegram.command.start": "Start again",
    # Handoff to a person (bot/conversations/desk.py) and the console's canned replies.
    "handoff.queued_online": (
        "A person from our team will reply here shortly. You can keep writing; they will "
        "read everything."
    ),
    "handoff.queued_offline": (
        "Our team is not online right now. A person will reply here from {when}, and the "
        "answer will arrive in this chat. You can keep writing in the meantime."
    ),
    "handoff.queued_nobody_online": (
        "Nobody from our team is online right now. A person will reply here as soon as "
        "someone is available, and the answer will arrive in this chat. You can keep writing "
        "in the meantime."
    ),
    "handoff.still_waiting": (
        "Sorry for the wait: your question is still first in line for our team. The answer "
        "will arrive in this chat. You can also go back to the assistant."
    ),
    "handoff.back_button": "Back to the assistant",
    "handoff.back_to_bot": (
        "You're back with the assistant. Send me a tracking number or ask about your parcel."
    ),
    "handoff.agent_joined": "{name} from our team has joined the chat.",
    "handoff.agent_left": (
        "{name} has handed you back to the assistant. Ask me anything about your parcel."
    ),
    "handoff.resolved": (
        "{name} has marked your question as solved. Write here again any time."
    ),
    "canned.greeting": (
        "Hello, this is {agent} from the support team. I'm looking at your parcel now."
    ),
    "canned.status": "Here is the latest on your parcel {number}: {summary}",
    "canned.next_step": "What to do now: {next_step}",
    "canned.check_again": "Please check again after {date}; I've noted your case.",
    "canned.customs": (
        "Your parcel {number} is with customs. If duties or documents are needed, the carrier "
        "or post will contact you; pay only on the carrier's official site."
    ),
    "canned.closing": "Is there anything else I can help you with?",
    **ANSWERS,
}

COUNTRIES: dict[str, str] = {
    "AT": "Austria",
    "AU": "Australia",
    "BE": "Belgium",
    "BR": "Brazil",
    "CA": "Canada",
    "CH": "Switzerland",
    "CN": "China",
    "CZ": "Czechia",
    "DE": "Germany",
    "DK": "Denmark",
    "ES": "Spain",
    "FI": "Finland",
    "FR": "France",
    "GB": "the United Kingdom",
    "HK": "Hong Kong",
    "IE": "Ireland",
    "IN": "India",
    "IT": "Italy",
    "JP": "Japan",
    "KR": "South Korea",
    "MX": "Mexico",
    "NL": "the Netherlands",
    "NO": "Norway",
    "NZ": "New Zealand",
    "PL": "Poland",
    "PT": "Portugal",
    "SE": "Sweden",
    "SG": "Singapore",
    "TR": "Türkiye",
    "TW": "Taiwan",
    "UA": "Ukraine",
    "US": "the United States",
}

CATALOGUE = Catalogue(
    lang="en",
    messages=MESSAGES,
    months=(
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    days_ago=_days_ago,
    countries=COUNTRIES,
)
