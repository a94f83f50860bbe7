"""Response bodies in the documented shapes of each provider, for the replay server."""

from __future__ import annotations

from typing import Any


# --- 17TRACK v2.2 -------------------------------------------------------------------------
def t17_event(
    time_iso: str,
    description: str,
    sub_status: str,
    city: str | None = None,
    country: str | None = None,
) -> dict[str, Any]:
    return {
        "time_iso": time_iso,
        "time_utc": None,
        "time_raw": {"date": time_iso[:10], "time": time_iso[11:19], "timezone": time_iso[19:]},
        "description": description,
        "description_translation": None,
        "location": city,
        "stage": None,
        "sub_status": sub_status,
        "address": {
            "country": country,
            "state": None,
            "city": city,
            "street": None,
            "postal_code": None,
            "coordinates": {"longitude": None, "latitude": None},
        },
    }


def t17_item(
    number: str, status: str, sub_status: str, events: list[dict[str, Any]], carrier: int = 3011
) -> dict[str, Any]:
    return {
        "number": number,
        "carrier": carrier,
        "param": None,
        "tag": None,
        "track_info": {
            "shipping_info": {
                "shipper_address": {"country": "CN", "state": None, "city": None},
                "recipient_address": {"country": "DE", "state": None, "city": None},
            },
            "latest_status": {"status": status, "sub_status": sub_status, "sub_status_descr": None},
            "latest_event": events[0] if events else None,
            "time_info": {"days_after_order": 5, "days_of_transit": 4},
            "milestone": [
                {"key_stage": "InfoReceived", "time_iso": None, "time_utc": None},
                {
                    "key_stage": "PickedUp",
                    "time_iso": events[-1]["time_iso"] if events else None,
                    "time_utc": None,
                },
            ],
            "tracking": {
                "providers_hash": 1,
                "providers": [
                    {
                        "provider": {
                            "key": carrier,
                            "name": "China Post",
                            "alias": "China Post",
                            "tel": None,
                            "homepage": "http://www.chinapost.com.cn/",
                            "country": "CN",
                        },
                        "service_type": None,
                        "latest_sync_status": "Success",
                        "latest_sync_time": "2024-05-06T09:00:00Z",
                        "events_hash": 2,
                        "events": events,
                    }
                ],
            },
        },
    }


def t17_envelope(
    accepted: list[dict[str, Any]] | None = None, rejected: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {"code": 0, "data": {"accepted": accepted or [], "rejected": rejected or []}}


def t17_rejection(number: str, code: int, message: str) -> dict[str, Any]:
    return {"number": number, "error": {"code": code, "message": message}}


def t17_register_ok(number: str, carrier: int = 3011) -> dict[str, Any]:
    return t17_envelope(
        accepted=[
            {
                "origin": 1,
                "number": number,
                "carrier": carrier,
                "email": None,
                "tag": None,
                "lang": None,
            }
        ]
    )


# --- AfterShip 2024-07 ----------------------------------------------------------------------
def as_checkpoint(
    time: str,
    message: str,
    tag: str,
    subtag: str,
    city: str | None = None,
    country: str | None = None,
) -> dict[str, Any]:
    return {
        "created_at": time,
        "slug": "china-post",
        "checkpoint_time": time,
        "location": city,
        "city": city,
        "state": None,
        "postal_code": None,
        "coordinate": None,
        "country_region": country,
        "country_region_name": None,
        "message": message,
        "tag": tag,
        "subtag": subtag,
        "subtag_message": None,
        "raw_tag": "XX",
        "events": [],
        "source": "carrier",
    }


def as_tracking(
    number: str, tag: str, subtag: str, checkpoints: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "id": "0b02015fc7fd4f3c8d5490cece4d124d",
        "tracking_number": number,
        "slug": "china-post",
        "active": True,
        "origin_country_region": "CHN",
        "destination_country_region": "DEU",
        "shipment_pickup_date": checkpoints[0]["checkpoint_time"] if checkpoints else None,
        "tag": tag,
        "subtag": subtag,
        "subtag_message": None,
        "title": number,
        "checkpoints": checkpoints,  # AfterShip lists checkpoints oldest first
    }


def as_ok(data: Any, code: int = 200) -> dict[str, Any]:
    return {"meta": {"code": code, "message": "", "type": "OK"}, "data": data}


def as_error(code: int, message: str, kind: str = "BadRequest") -> dict[str, Any]:
    return {"meta": {"code": code, "message": message, "type": kind}, "data": {}}


def as_list(trackings: list[dict[str, Any]]) -> dict[str, Any]:
    return as_ok(
        {
            "pagination": {"total": len(trackings), "next_cursor": None, "has_next_page": False},
            "trackings": trackings,
        }
    )


# --- DHL Shipment Tracking - Unified ------------------------------------------------------------
def dhl_event(
    timestamp: str,
    status_code: str,
    description: str,
    locality: str | None = None,
    country: str | None = None,
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "timestamp": timestamp,
        "statusCode": status_code,
        "status": description,
        "description": description,
    }
    if locality or country:
        event["location"] = {"address": {"addressLocality": locality, "countryCode": country}}
    return event


def dhl_shipments(
    number: str, status_code: str, events: list[dict[str, Any]], service: str = "express"
) -> dict[str, Any]:
    latest = events[0] if events else {"statusCode": "unknown"}
    return {
        "shipments": [
            {
                "id": number,
                "service": service,
                "origin": {
                    "address": {"addressLocality": "HONG KONG - HONG KONG", "countryCode": "HK"}
                },
                "destination": {
                    "address": {"addressLocality": "BERLIN - GERMANY", "countryCode": "DE"}
                },
                "status": {**latest, "statusCode": status_code},
                "details": {"proofOfDeliverySignedAvailable": False, "totalNumberOfPieces": 1},
                "events": events,
            }
        ],
        "possibleAdditionalShipmentsUrl": [
            f"/track/shipments?trackingNumber={number}&service=freight",
        ],
    }


DHL_NOT_FOUND = {
    "title": "No result found",
    "status": 404,
    "detail": "No shipment with given tracking number found.",
}
DHL_UNAUTHORIZED = {
    "status": 401,
    "title": "Unauthorized",
    "detail": "Unauthorized for given resource.",
}
