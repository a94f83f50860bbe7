"""Carriers' own public tracking pages, so a buyer can check the source themselves.

Pure data. Only pages whose address takes the number are listed; a carrier without one gets
its name and no link. S10 numbers are looked up by the issuing post's country (the two last
letters); the destination post tracks the same number once the parcel arrives.
"""

from __future__ import annotations

from urllib.parse import quote

_BY_COURIER: dict[str, str] = {
    "ups": "https://www.ups.com/track?tracknum={n}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={n}",
    "usps": "https://tools.usps.com/go/TrackConfirmAction?tLabels={n}",
    "dhl": "https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id={n}",
    "dhl_express": "https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id={n}",
}
_S10_BY_COUNTRY: dict[str, str] = {
    "US": "https://tools.usps.com/go/TrackConfirmAction?tLabels={n}",
    "GB": "https://www.royalmail.com/track-your-item#/tracking-results/{n}",
    "DE": "https://www.deutschepost.de/de/s/sendungsverfolgung.html?piececode={n}",
    "FR": "https://www.laposte.fr/outils/suivre-vos-envois?code={n}",
    "CA": "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={n}",
    "AU": "https://auspost.com.au/mypost/track/details/{n}",
    "RU": "https://www.pochta.ru/tracking?barcode={n}",
    "NL": "https://www.postnl.nl/tracktrace/?B={n}",
    "CN": "https://yjcx.ems.com.cn/qps/yjcx",
    "HK": "https://www.hongkongpost.hk/en/mail_tracking/index.html",
    "SG": "https://www.singpost.com/track-items",
}


def tracking_url(number: str, courier: str | None, country: str | None = None) -> str | None:
    """The carrier's public tracking page for `number`, or None when none is known."""
    template = _S10_BY_COUNTRY.get(country or "") if courier == "s10" else None
    template = template or _BY_COURIER.get(courier or "")
    return template.format(n=quote(number)) if template else None
