"""English sentences for answers in context (issue 16): customs facts per destination, date
ranges, "any news?", delivered-but-not-received, refunds for a named parcel, several numbers.
Merged into `en.MESSAGES`. Sources of the customs facts: docs/customs.md.
"""

from __future__ import annotations

ANSWERS: dict[str, str] = {
    # Customs, per destination region (docs/customs.md gives the source of each sentence).
    "customs.intro": "About customs for parcels to {country}:",
    "customs.EU.charges": (
        "Import VAT is due on every parcel from outside the EU, whatever its value. Customs "
        "duty is added only above 150 euros. If the shop charged VAT at checkout (the IOSS "
        "scheme), there is nothing more to pay."
    ),
    "customs.EU.collector": (
        "If VAT was not paid at checkout, the post or courier that delivers the parcel "
        "collects it, usually with a handling fee."
    ),
    "customs.EU.payment": (
        "You pay the carrier: on its website after it writes to you, or at the door."
    ),
    "customs.GB.charges": (
        "Up to 135 pounds, the seller charges VAT at checkout and you pay nothing more. Above "
        "135 pounds, import VAT (and sometimes duty) is due; gifts up to 39 pounds are free."
    ),
    "customs.GB.collector": (
        "Royal Mail, Parcelforce or the courier collects it, with a handling fee."
    ),
    "customs.GB.payment": (
        "Royal Mail leaves a grey 'Fee to Pay' card; pay on royalmail.com/fees or at the door."
    ),
    "customs.US.charges": (
        "Since 29 August 2025 there is no duty-free allowance for imported parcels: duties are "
        "due on most goods, whatever their value."
    ),
    "customs.US.collector": (
        "The courier (UPS, FedEx, DHL) collects duties and its fee from you unless the seller "
        "paid them; for postal parcels the duty is usually paid by the sender's carrier."
    ),
    "customs.US.payment": "Pay only on the courier's own website or on delivery.",
    "customs.CA.charges": (
        "By post, goods over 20 Canadian dollars (60 for gifts) can be charged GST/HST and "
        "duty. By courier from the US or Mexico: tax-free up to 40 and duty-free up to "
        "150 Canadian dollars."
    ),
    "customs.CA.collector": (
        "Canada Post or the courier collects the duties and taxes, plus a handling fee, for "
        "the Canada Border Services Agency."
    ),
    "customs.CA.payment": "Pay Canada Post online or at the post office when it asks.",
    "customs.AU.charges": (
        "Up to 1,000 Australian dollars, the 10% GST is charged by the shop at checkout and "
        "there is nothing to pay on arrival. Above that, duty, GST and import charges are due."
    ),
    "customs.AU.collector": (
        "For parcels over 1,000 dollars, the Australian Border Force or the courier's broker "
        "asks you to pay before release."
    ),
    "customs.AU.payment": "Pay only the Border Force or the courier that contacts you.",
    "customs.BR.charges": (
        "Import tax is 20% up to 50 US dollars and 60% above, plus the state's ICMS. Shops in "
        "the Remessa Conforme programme charge it at checkout."
    ),
    "customs.BR.collector": (
        "Otherwise Correios collects the tax and its postal dispatch fee before delivery."
    ),
    "customs.BR.payment": (
        "Pay in 'Minhas Importações' on the Correios website, after the parcel shows "
        "'Aguardando pagamento'."
    ),
    "customs.RU.charges": (
        "Parcels up to 200 euros (and 31 kg) are duty-free. Above that, 15% of the value over "
        "200 euros is due."
    ),
    "customs.RU.collector": "Russian Post or the courier collects it for customs.",
    "customs.RU.payment": (
        "Pay at the post office when you collect it, or on Gosuslugi if customs writes to you."
    ),
    "customs.general.charges": (
        "Customs in {country} may charge duties or taxes. The carrier that delivers the "
        "parcel tells you if anything is due, and you pay that carrier."
    ),
    "customs.scam_warning": (
        "Ignore texts or emails with a link asking for a small fee to 'release' your parcel: "
        "they are a common scam. Type the carrier's website address yourself to check."
    ),
    "customs.now_in_customs": "Your parcel {number} is with customs now ({scan}, {date}).",
    "customs.action_required": (
        "Customs is waiting for a payment or documents for {number}: the carrier has written "
        "or will write to you."
    ),
    "customs.not_in_customs": (
        "Your parcel {number} is not at customs yet ({status}); this is what happens when it "
        "reaches {country}."
    ),
    "customs.paid": (
        "Thanks. After payment, customs usually releases a parcel within a few working days, "
        "and the next scan shows it. Check again after {date}."
    ),
    # When will it arrive: a range from the leg the parcel is on and the thresholds.
    "estimate.range": (
        "For {number}, my estimate is between {start} and {end}: the parcel is {leg}, and "
        "this is how long the rest of the journey normally takes. It is not a carrier's "
        "promise."
    ),
    "estimate.delivered": "{number} was already delivered on {date}.",
    "estimate.today": "{number} is {status} now, so it should reach you today or tomorrow.",
    "estimate.late": (
        "{number} is slower than normal ({status} since {date}), so I can't give a reliable "
        "date. Check again after {check}."
    ),
    "leg.origin": "still in {origin}",
    "leg.international": "between {origin} and {destination}",
    "leg.customs": "with customs in {destination}",
    "leg.destination": "in {destination} with the local carrier",
    # Any news: re-checked, compared with the last answer.
    "news.changed": "News for {number}:",
    "news.none": (
        "Nothing new for {number} since I last looked: still {scan} on {date}. "
        "Check again after {check}."
    ),
    "news.soon": "a few days",
    # Delivered but not received / refund for a parcel named in the conversation.
    "parcel.delivered_missing": (
        "{number} shows delivered on {date} ({scan}). If it is not with you: check the "
        "letter box, neighbours and the building's mailroom today, and the local post "
        "office. If it is still missing after 1-2 days, the seller can open a trace with the "
        "carrier and resend or refund."
    ),
    "parcel.not_delivered_yet": ("{number} is not marked delivered: it is {status}. {summary}"),
    "parcel.refund_for": "About a refund for {number} ({status}):",
    "parcel.address_for": "About changing the address of {number} ({status}):",
    # Several numbers in one message.
    "several.more": (
        "I looked up the first {limit}. Send me these again in a new message if you want "
        "them too: {rest}."
    ),
    # A failed check digit with one unique neighbouring-digit fix.
    "numbers.did_you_mean": "Did you mean {suggestion}?",
    # Carrier and its official tracking link.
    "carrier.link": "Carrier: {carrier}, official tracking: {url}",
    "carrier.official": "Official tracking ({carrier}): {url}",
    # The short reply: one status line with the scan quoted once.
    "plain.status_line": "Parcel {number} ({carrier}): {status} — {scan} on {date}, {ago}.",
    "plain.status_line_no_carrier": "Parcel {number}: {status} — {scan} on {date}, {ago}.",
    # Postal jargon in plain words.
    "jargon.outward_exchange": (
        "That means it left the export hub in {origin}, on its way to a flight or ship."
    ),
    "jargon.inward_exchange": (
        "That means it reached the import hub in {destination}, where customs checks it."
    ),
    "jargon.customs": "That means it is waiting for the customs check in {destination}.",
    "jargon.accepted": "That means the post took it from the sender.",
    "jargon.hub": "That means it is between sorting centres.",
}
