"""Scenario tests for diagnose(): at least three per reason code, near thresholds, with events
in several time zones and in the order providers happen to send them."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from bot.tracking.explain import REASONS, diagnose, render_reply, status_line
from bot.tracking.model import Source, Status, SubStatus
from bot.tracking.numbers import check_number
from bot.tracking.thresholds import Thresholds
from tests.tracking.fixtures.shipments import (
    CHINA,
    GERMANY,
    INDIA,
    NEW_YORK,
    NOW,
    UTC,
    ago,
    event,
    label,
    shipment,
)

TODAY = NOW.date()


def departed(days: float, tz: timezone = CHINA, place: str = "Guangzhou"):
    return event(
        ago(days, tz=tz),
        "Departure from outward office of exchange",
        place,
        "CN",
        sub_status=SubStatus.DEPARTURE,
    )


def accepted(days: float, tz: timezone = CHINA):
    return event(ago(days, tz=tz), "Accepted by the post office", "Shenzhen", "CN")


def arrived_de(days: float):
    return event(
        ago(days, tz=GERMANY),
        "Arrival at inward office of exchange",
        "Frankfurt",
        "DE",
        sub_status=SubStatus.ARRIVAL,
    )


def in_customs(
    days: float,
    description: str = "Presented to customs",
    sub_status: SubStatus = SubStatus.CUSTOMS_PROCESSING,
    hours: float = 0,
):
    return event(
        ago(days, hours, tz=GERMANY), description, "Frankfurt", "DE", sub_status=sub_status
    )


def journey_to_departure(days_since_departure: float):
    """Label, acceptance and departure from China, oldest first."""
    d = days_since_departure
    return (label(ago(d + 3, tz=CHINA)), accepted(d + 2), departed(d))


# --- invalid_number ---------------------------------------------------------------------------


class TestInvalidNumber:
    def test_it_explains_a_wrong_check_digit_without_asking_a_carrier(self):
        d = diagnose(None, NOW, number_check=check_number("RR123456784CN"))
        assert d.reason == "invalid_number"
        assert "RR123456784CN" in d.summary
        assert "check digit" in d.summary
        assert d.check_again_after is None and not d.escalate
        check = d.evidence["number_check"]
        assert (check["number"], check["valid"], check["problem"]) == (
            "RR123456784CN",
            False,
            "check_digit",
        )

    def test_a_made_up_country_code_is_explained_as_such(self):
        check = check_number("RR123456785XX")
        d = diagnose(shipment(number="RR123456785XX"), NOW, number_check=check)
        assert (d.reason, d.evidence["variant"]) == ("invalid_number", "unknown_country")
        assert "last two letters" in d.summary

    def test_it_trusts_the_carrier_when_the_carrier_rejects_the_number(self):
        s = shipment(number="XX1", sub_status=SubStatus.INVALID_CODE)
        d = diagnose(s, NOW)
        assert d.reason == "invalid_number"
        assert d.summary == "The carrier says XX1 is not a valid tracking number."

    def test_a_failed_check_digit_does_not_hide_real_scans(self):
        # Some carriers issue numbers outside the standard; their scans prove the number exists.
        s = shipment(*journey_to_departure(2), number="RR123456784CN")
        d = diagnose(s, NOW, number_check=check_number("RR123456784CN"))
        assert d.reason == "international_transit"
        assert d.evidence["number_check"]["valid"] is False

    def test_a_valid_number_the_carrier_does_not_know_yet_is_not_invalid(self):
        d = diagnose(None, NOW, number_check=check_number("RR 123 456 785 CN"))
        assert d.reason == "not_yet_updated"
        assert d.evidence["number"] == "RR123456785CN"


# --- not_yet_updated --------------------------------------------------------------------------


class TestNotYetUpdated:
    def test_a_number_shipped_yesterday_with_no_scans_is_too_early_to_worry(self):
        shipped = ago(1, tz=CHINA)
        d = diagnose(shipment(shipped_at=shipped), NOW)
        assert d.reason == "not_yet_updated"
        assert d.check_again_after == (shipped + timedelta(days=7)).date()
        assert "shipped it on 19 November, 1 day ago" in d.summary
        assert not d.escalate

    def test_seven_whole_days_after_shipping_is_still_normal(self):
        d = diagnose(shipment(shipped_at=ago(7, hours=23)), NOW)
        assert d.reason == "not_yet_updated"
        assert d.evidence["days_since_shipped"] == 7
        # The threshold date is today, so the buyer is asked to look again tomorrow at the earliest.
        assert d.check_again_after == TODAY + timedelta(days=1)

    def test_without_a_ship_date_it_asks_to_check_again_soon(self):
        d = diagnose(shipment(), NOW)
        assert d.reason == "not_yet_updated"
        assert d.check_again_after == TODAY + timedelta(days=3)
        assert d.summary.startswith("The carrier has no scans for this number yet.")

    def test_label_data_from_two_days_ago_is_normal(self):
        created = ago(2, hours=3, tz=CHINA)
        d = diagnose(shipment(label(created)), NOW)
        assert d.reason == "not_yet_updated"
        assert d.evidence["variant"] == "label_only"
        assert "created on 18 November, 2 days ago" in d.summary
        assert d.check_again_after == date(2024, 11, 25)

    def test_a_label_made_at_local_midnight_counts_days_from_the_instant(self):
        # 00:30 in Shanghai on 14 Nov is 16:30 UTC on 13 Nov: 6 days 17.5 hours before NOW.
        created = datetime(2024, 11, 14, 0, 30, tzinfo=CHINA)
        d = diagnose(shipment(label(created)), NOW)
        assert d.reason == "not_yet_updated"
        assert d.evidence["last_event_age_days"] == 6
        assert "created on 14 November, 6 days ago" in d.summary


# --- awaiting_handover ------------------------------------------------------------------------


class TestAwaitingHandover:
    def test_a_label_older_than_a_week_was_probably_never_handed_over(self):
        d = diagnose(shipment(label(ago(8, tz=CHINA))), NOW)
        assert d.reason == "awaiting_handover"
        assert d.escalate
        assert d.check_again_after is None
        assert d.evidence["threshold"] == {"name": "handover_days", "days": 7}

    def test_exactly_at_the_threshold_it_still_waits(self):
        assert diagnose(shipment(label(ago(7, hours=23))), NOW).reason == "not_yet_updated"
        assert diagnose(shipment(label(ago(8))), NOW).reason == "awaiting_handover"

    def test_main_status_info_received_wins_over_event_statuses(self):
        # JSON without per-event status reads as in_transit; the main status says "label only".
        s = shipment(
            event(ago(12, tz=NEW_YORK), "Label created", "New York", "US"),
            status=Status.INFO_RECEIVED,
            origin="US",
        )
        d = diagnose(s, NOW)
        assert d.reason == "awaiting_handover"
        assert "12 days ago" in d.summary

    def test_a_label_from_two_months_ago_is_not_reported_as_lost(self):
        assert diagnose(shipment(label(ago(60))), NOW).reason == "awaiting_handover"


# --- international_transit --------------------------------------------------------------------


class TestInternationalTransit:
    def test_it_explains_silence_between_countries_with_the_evidence(self):
        last = event(
            datetime(2024, 11, 12, 14, 0, tzinfo=CHINA),
            "Departure from outward office of exchange",
            "Guangzhou",
            "CN",
            sub_status=SubStatus.DEPARTURE,
        )
        s = shipment(label(datetime(2024, 11, 9, 9, 0, tzinfo=CHINA)), last)
        d = diagnose(s, NOW)
        assert d.reason == "international_transit"
        assert d.summary == (
            "The last scan was 'Departure from outward office of exchange, Guangzhou' on "
            "12 November, 8 days ago. While a parcel is between countries it is not scanned, "
            "so this silence is normal."
        )
        assert d.check_again_after == date(2024, 11, 22)
        assert "Germany" in d.next_step
        assert not d.escalate
        assert d.evidence["leg"] == "international"
        assert d.evidence["last_event_age_days"] == 8
        assert d.evidence["last_event"]["local_date"] == "2024-11-12"

    def test_ten_days_is_normal_and_eleven_is_slow_but_not_lost(self):
        normal = diagnose(shipment(*journey_to_departure(10.5)), NOW)
        assert (normal.reason, normal.evidence["variant"]) == ("international_transit", "normal")
        slow = diagnose(shipment(*journey_to_departure(11)), NOW)
        assert (slow.reason, slow.evidence["variant"]) == ("international_transit", "slow")
        assert slow.check_again_after == TODAY + timedelta(days=3)
        assert "longer than usual" in slow.summary
        assert not slow.escalate

    def test_a_scan_in_a_transit_country_means_between_countries(self):
        hub = event(ago(1, tz=timezone(timedelta(hours=4))), "Arrived at hub", "Dubai", "AE")
        d = diagnose(shipment(*journey_to_departure(3), hub), NOW)
        assert d.reason == "international_transit"
        assert "'Arrived at hub, Dubai'" in d.summary

    def test_it_finds_the_latest_scan_when_events_arrive_unsorted(self):
        label_ev, accepted_ev, departed_ev = journey_to_departure(4)
        d = diagnose(shipment(departed_ev, label_ev, accepted_ev), NOW)
        assert d.reason == "international_transit"
        assert d.evidence["last_event"]["description"].startswith("Departure")

    def test_without_countries_on_the_shipment_it_infers_them_from_the_scans(self):
        s = shipment(*journey_to_departure(2), origin=None, destination=None)
        d = diagnose(s, NOW)
        assert d.reason == "international_transit"
        assert d.evidence["origin_country"] == "CN"
        assert "your country" in d.next_step

    def test_export_customs_in_the_origin_country_is_not_destination_customs(self):
        export = event(ago(1, tz=CHINA), "Export customs clearance completed", "Guangzhou", "CN")
        d = diagnose(shipment(*journey_to_departure(2), export), NOW)
        assert d.evidence["leg"] == "international"


# --- customs_clearance ------------------------------------------------------------------------


class TestCustomsClearance:
    def test_a_parcel_in_customs_for_two_days_is_normal(self):
        last = in_customs(2)
        d = diagnose(shipment(*journey_to_departure(6), arrived_de(3), last), NOW)
        assert d.reason == "customs_clearance"
        assert "with customs in Germany" in d.summary
        assert d.check_again_after == (last.time + timedelta(days=7)).date()
        assert not d.escalate

    def test_after_seven_days_customs_is_slow_and_the_buyer_checks_for_messages(self):
        at_limit = diagnose(shipment(arrived_de(9), in_customs(7, hours=20)), NOW)
        assert at_limit.evidence["variant"] == "normal"
        slow = diagnose(shipment(arrived_de(9), in_customs(8)), NOW)
        assert (slow.reason, slow.evidence["variant"]) == ("customs_clearance", "slow")
        assert "e-mail" in slow.next_step

    def test_a_customs_hold_reported_as_an_exception_is_explained_as_customs(self):
        hold = event(ago(1, tz=GERMANY), "Held", "Frankfurt", "DE", Status.EXCEPTION)
        s = shipment(arrived_de(2), hold, sub_status=SubStatus.CUSTOMS_PROCESSING)
        assert diagnose(s, NOW).reason == "customs_clearance"

    def test_a_customs_scan_is_recognised_by_its_wording(self):
        inspection = event(ago(1, tz=NEW_YORK), "Customs inspection", "New York", "US")
        s = shipment(*journey_to_departure(5), inspection, destination=None)
        d = diagnose(s, NOW)
        assert d.reason == "customs_clearance"
        assert d.evidence["destination_country"] == "US"
        assert "customs in the United States" in d.summary


# --- customs_action_required ------------------------------------------------------------------


class TestCustomsActionRequired:
    def test_customs_asking_for_information_asks_the_buyer_to_act(self):
        ask = in_customs(
            2, "Awaiting import documents", sub_status=SubStatus.CUSTOMS_REQUIRING_INFORMATION
        )
        d = diagnose(shipment(arrived_de(3), ask), NOW)
        assert d.reason == "customs_action_required"
        assert "needs something from you" in d.summary
        assert d.check_again_after is None
        assert not d.escalate

    def test_a_request_to_pay_duties_is_recognised_by_its_wording(self):
        d = diagnose(
            shipment(arrived_de(3), in_customs(1, "Import duties to be paid by recipient")), NOW
        )
        assert d.reason == "customs_action_required"

    def test_an_old_unanswered_request_brings_in_a_person(self):
        ask = in_customs(
            9, "Payment of VAT required", sub_status=SubStatus.CUSTOMS_REQUIRING_INFORMATION
        )
        d = diagnose(shipment(arrived_de(10), ask), NOW)
        assert d.reason == "customs_action_required"
        assert d.escalate

    def test_once_customs_releases_the_parcel_the_request_is_over(self):
        ask = in_customs(
            3, "Payment of VAT required", sub_status=SubStatus.CUSTOMS_REQUIRING_INFORMATION
        )
        released = in_customs(
            1, "Customs clearance completed", sub_status=SubStatus.CUSTOMS_RELEASED
        )
        d = diagnose(shipment(arrived_de(4), ask, released), NOW)
        assert d.reason == "on_track"
        assert d.evidence["leg"] == "destination"


# --- postal_sync_delay ------------------------------------------------------------------------


def handed_to_usps(days: float, hours: float = 0):
    return event(
        ago(days, hours, tz=NEW_YORK),
        "Handed over to the local postal service",
        "New York",
        "US",
    )


class TestPostalSyncDelay:
    def test_silence_after_arriving_points_to_the_local_post(self):
        d = diagnose(shipment(*journey_to_departure(12), handed_to_usps(7), destination="US"), NOW)
        assert d.reason == "postal_sync_delay"
        assert "website of the post in the United States" in d.next_step
        assert d.check_again_after == TODAY + timedelta(days=3)
        assert not d.escalate

    def test_three_quiet_days_are_normal_four_are_a_sync_delay(self):
        s3 = shipment(arrived_de(5), handed_to_usps(3, 20), destination="US")
        assert diagnose(s3, NOW).reason == "on_track"
        s4 = shipment(arrived_de(5), handed_to_usps(4), destination="US")
        assert diagnose(s4, NOW).reason == "postal_sync_delay"

    def test_a_late_evening_scan_in_new_york_keeps_its_local_date(self):
        # 23:30 in New York on 12 Nov is already 13 Nov in UTC.
        late = event(
            datetime(2024, 11, 12, 23, 30, tzinfo=NEW_YORK),
            "Arrived at USPS regional facility",
            "New York",
            "US",
        )
        d = diagnose(shipment(*journey_to_departure(14), late, destination="US"), NOW)
        assert d.reason == "postal_sync_delay"
        assert "on 12 November, 7 days ago" in d.summary

    def test_after_thirty_days_of_silence_it_is_stalled_not_a_sync_delay(self):
        d = diagnose(shipment(handed_to_usps(31), destination="US"), NOW)
        assert d.reason == "stalled"


# --- data_error -------------------------------------------------------------------------------


class TestDataError:
    def test_a_number_no_carrier_knows_weeks_after_shipping_is_a_data_error(self):
        d = diagnose(shipment(shipped_at=ago(21, tz=CHINA)), NOW)
        assert d.reason == "data_error"
        assert d.escalate
        assert d.check_again_after is None
        assert "shipped it on 30 October, 21 days ago" in d.summary
        assert "seller" in d.next_step

    def test_eight_days_after_shipping_is_past_the_threshold(self):
        assert diagnose(shipment(shipped_at=ago(8)), NOW).reason == "data_error"

    def test_the_evidence_shows_which_providers_answered(self):
        sources = (
            Source("17track", ok=True, status=Status.NOT_FOUND, fetched_at=NOW),
            Source("aftership", ok=False, error="timeout", fetched_at=NOW),
        )
        s = shipment(shipped_at=ago(15, tz=INDIA), partial=True, sources=sources)
        d = diagnose(s, NOW)
        assert d.reason == "data_error"
        assert d.evidence["partial"] is True
        assert [src["provider"] for src in d.evidence["sources"]] == ["17track", "aftership"]

    def test_a_longer_first_scan_setting_moves_the_line(self):
        t = Thresholds(not_found_days=14)
        assert diagnose(shipment(shipped_at=ago(10)), NOW, thresholds=t).reason == "not_yet_updated"


# --- stalled ----------------------------------------------------------------------------------


class TestStalled:
    def test_more_than_thirty_days_between_countries_means_possibly_lost(self):
        assert (
            diagnose(
                shipment(
                    *journey_to_departure(
                        30,
                    )
                ),
                NOW,
            ).reason
            == "international_transit"
        )
        d = diagnose(shipment(*journey_to_departure(31)), NOW)
        assert d.reason == "stalled"
        assert d.escalate
        assert "may be lost" in d.summary
        assert d.evidence["threshold"] == {"name": "stalled_days", "days": 30}

    def test_a_provider_that_gave_up_means_stalled(self):
        s = shipment(*journey_to_departure(5), status=Status.EXPIRED)
        d = diagnose(s, NOW)
        assert (d.reason, d.evidence["variant"]) == ("stalled", "expired")

    def test_a_week_without_scans_inside_the_origin_country_is_not_normal(self):
        s = shipment(label(ago(10, tz=CHINA)), accepted(7, tz=CHINA))
        assert diagnose(s, NOW).reason == "on_track"
        s = shipment(label(ago(10, tz=CHINA)), accepted(8, tz=CHINA))
        assert diagnose(s, NOW).reason == "stalled"

    def test_a_parcel_the_carrier_reports_lost_is_stalled(self):
        s = shipment(*journey_to_departure(3), status=Status.EXCEPTION, sub_status=SubStatus.LOST)
        d = diagnose(s, NOW)
        assert (d.reason, d.evidence["variant"]) == ("stalled", "lost")


# --- delivery_problem -------------------------------------------------------------------------


def berlin(days: float, description: str, status: Status, sub: SubStatus = SubStatus.OTHER):
    return event(ago(days, tz=GERMANY), description, "Berlin", "DE", status, sub)


class TestDeliveryProblem:
    def test_a_bad_address_needs_a_person(self):
        last = berlin(1, "Address incomplete", Status.DELIVERY_FAILURE, SubStatus.INVALID_ADDRESS)
        d = diagnose(shipment(arrived_de(3), last), NOW)
        assert d.reason == "delivery_problem"
        assert "address is wrong" in d.summary
        assert d.escalate

    def test_a_plain_failed_attempt_can_be_solved_by_the_buyer(self):
        last = berlin(0.5, "Recipient not at home, notice left", Status.DELIVERY_FAILURE)
        d = diagnose(shipment(arrived_de(3), last), NOW)
        assert (d.reason, d.evidence["variant"]) == ("delivery_problem", "failed_attempt")
        assert not d.escalate

    def test_a_parcel_going_back_while_still_in_transit_is_a_problem(self):
        back = event(
            ago(2, tz=GERMANY),
            "Returned to sender",
            "Frankfurt",
            "DE",
            sub_status=SubStatus.RETURNING,
        )
        d = diagnose(shipment(arrived_de(6), back), NOW)
        assert (d.reason, d.evidence["variant"]) == ("delivery_problem", "returning")

    def test_a_damaged_parcel_is_a_problem(self):
        last = berlin(1, "Damaged", Status.EXCEPTION, SubStatus.DAMAGED)
        assert diagnose(shipment(last), NOW).reason == "delivery_problem"

    def test_out_for_delivery_for_three_days_is_a_problem(self):
        assert (
            diagnose(shipment(berlin(2, "Out for delivery", Status.OUT_FOR_DELIVERY)), NOW).reason
            == "on_track"
        )
        d = diagnose(shipment(berlin(3, "Out for delivery", Status.OUT_FOR_DELIVERY)), NOW)
        assert (d.reason, d.evidence["variant"]) == ("delivery_problem", "out_for_delivery_stale")
        assert d.escalate

    def test_a_parcel_left_at_the_pickup_point_too_long_must_be_collected(self):
        d = diagnose(shipment(berlin(8, "Ready for pickup", Status.AVAILABLE_FOR_PICKUP)), NOW)
        assert (d.reason, d.evidence["variant"]) == ("delivery_problem", "pickup_overdue")


# --- on_track ---------------------------------------------------------------------------------


class TestOnTrack:
    def test_out_for_delivery_today(self):
        d = diagnose(
            shipment(arrived_de(3), berlin(0.1, "Out for delivery", Status.OUT_FOR_DELIVERY)), NOW
        )
        assert (d.reason, d.evidence["variant"]) == ("on_track", "out_for_delivery")
        assert d.check_again_after == TODAY + timedelta(days=1)

    def test_ready_for_pickup(self):
        d = diagnose(shipment(berlin(1, "Ready for pickup", Status.AVAILABLE_FOR_PICKUP)), NOW)
        assert (d.reason, d.evidence["variant"]) == ("on_track", "pickup")
        assert "within 7 days" in d.next_step
        assert d.check_again_after is None

    def test_a_parcel_scanned_in_the_origin_country_yesterday_is_moving(self):
        d = diagnose(shipment(label(ago(3, tz=CHINA)), accepted(1)), NOW)
        assert (d.reason, d.evidence["variant"]) == ("on_track", "moving")
        assert d.check_again_after == TODAY + timedelta(days=3)

    def test_a_domestic_parcel_is_moving_within_its_country(self):
        s = shipment(
            berlin(3, "Accepted", Status.IN_TRANSIT),
            berlin(1, "Sorted", Status.IN_TRANSIT),
            origin="DE",
            destination="DE",
        )
        d = diagnose(s, NOW)
        assert d.reason == "on_track" and d.evidence["leg"] == "domestic"

    def test_a_fresh_arrival_in_the_destination_country(self):
        d = diagnose(shipment(*journey_to_departure(8), arrived_de(1)), NOW)
        assert (d.reason, d.evidence["variant"]) == ("on_track", "arrived")


# --- delivered --------------------------------------------------------------------------------


class TestDelivered:
    def test_a_delivered_parcel(self):
        d = diagnose(shipment(arrived_de(4), berlin(1, "Delivered", Status.DELIVERED)), NOW)
        assert d.reason == "delivered"
        assert d.check_again_after is None and not d.escalate

    def test_delivered_long_ago_is_still_delivered_not_stalled(self):
        assert (
            diagnose(shipment(berlin(90, "Delivered", Status.DELIVERED)), NOW).reason == "delivered"
        )

    def test_delivered_without_scan_details(self):
        d = diagnose(shipment(status=Status.DELIVERED), NOW)
        assert d.reason == "delivered"
        assert d.summary.startswith("The carrier gave no scan details.")

    def test_the_delivery_scan_is_found_among_unsorted_events_in_many_zones(self):
        events = [
            berlin(1, "Delivered", Status.DELIVERED),
            label(ago(9, tz=CHINA)),
            event(ago(4, tz=NEW_YORK), "Transit", "New York", "US"),
            arrived_de(2),
        ]
        d = diagnose(shipment(*events), NOW)
        assert d.reason == "delivered"
        assert d.evidence["last_event"]["description"] == "Delivered"


# --- across reasons ---------------------------------------------------------------------------


def test_now_must_carry_an_offset():
    with pytest.raises(ValueError):
        diagnose(shipment(), datetime(2024, 11, 20, 10, 0))


def test_now_in_another_zone_gives_the_same_reason_and_age():
    s = shipment(*journey_to_departure(8))
    utc = diagnose(s, NOW)
    tokyo = diagnose(s, NOW.astimezone(timezone(timedelta(hours=9))))
    assert utc.reason == tokyo.reason
    assert utc.evidence["last_event_age_days"] == tokyo.evidence["last_event_age_days"]


def test_a_scan_stamped_in_the_future_counts_as_today():
    future = event(
        NOW + timedelta(hours=5), "Departure from outward office of exchange", "Guangzhou", "CN"
    )
    d = diagnose(shipment(label(ago(2)), future), NOW)
    assert d.evidence["last_event_age_days"] == 0
    assert "less than a day ago" in d.summary


def test_the_diagnosis_is_json_ready():
    d = diagnose(shipment(*journey_to_departure(3)), NOW)
    data = json.loads(json.dumps(d.to_dict()))
    assert set(data) == {
        "reason",
        "summary",
        "next_step",
        "check_again_after",
        "escalate",
        "evidence",
    }
    assert data["check_again_after"] == d.check_again_after.isoformat()


def test_the_reply_carries_status_summary_next_step_date_and_the_offer_of_a_person():
    ok = shipment(*journey_to_departure(3))
    d = diagnose(ok, NOW)
    reply = render_reply(ok, d).split("\n")
    assert reply[0] == status_line(ok)
    assert reply[0].startswith(
        f"Parcel {ok.number}: in transit — 'Departure from outward office of exchange"
    )
    assert reply[1:3] == [d.summary, d.next_step]
    assert reply[3] == "Check again after 27 November."
    lost = shipment(*journey_to_departure(40))
    d_lost = diagnose(lost, NOW)
    assert render_reply(lost, d_lost).endswith(
        "Would you like a person from our team to look into it?"
    )


def test_the_reply_for_an_invalid_number_has_no_status_line():
    d = diagnose(None, NOW, number_check=check_number("RR123456784CN"))
    assert render_reply(None, d).split("\n") == [d.summary, d.next_step]


def test_status_line_without_scans():
    assert status_line(shipment()) == f"Parcel {shipment().number}: not found yet — no scans yet."


@pytest.mark.parametrize("reason", REASONS)
def test_every_reason_code_has_a_title(reason):
    from bot.tracking.explain import reason_title

    assert reason_title(reason)


def test_check_again_dates_are_always_in_the_future():
    for days in (0, 1, 5, 9.9, 10, 12):
        d = diagnose(shipment(*journey_to_departure(days)), NOW)
        if d.check_again_after is not None:
            assert d.check_again_after > TODAY


def test_utc_helper_is_utc():
    assert UTC.utcoffset(None) == timedelta(0)


def test_export_clearance_reported_as_customs_by_the_provider_is_the_senders_side():
    # UPS 1Z1202R66698804005 as an aggregator would report it: Belgian export clearance with
    # a customs sub-status, the last scan naming no place, the parcel still in Belgium.
    brussels = timezone(timedelta(hours=1))
    customs = SubStatus.CUSTOMS_PROCESSING
    pending = "Your package is pending release from a Government Agency."
    submitted = "UPS has received the information needed to submit your package for clearance."
    agency = "The package is at the clearing agency awaiting final release."
    in_belgium = (
        event(
            ago(0.3, tz=brussels), "Pickup Scan ", "Lummen", "BE", sub_status=SubStatus.PICKED_UP
        ),
        event(ago(0.2, tz=brussels), pending, "Lummen", "BE", sub_status=customs),
        event(ago(0.1, tz=brussels), submitted, sub_status=customs),
    )
    parcel = shipment(*in_belgium, sub_status=customs, origin="BE", destination="AU")
    assert diagnose(parcel, NOW).reason == "on_track"
    left = event(
        ago(0.05, tz=brussels),
        "Departed from Facility",
        "Lummen",
        "BE",
        sub_status=SubStatus.DEPARTURE,
    )
    abroad = (*in_belgium, left, event(ago(0.01), agency, sub_status=customs))
    parcel = shipment(*abroad, sub_status=customs, origin="BE", destination="AU")
    assert diagnose(parcel, NOW).reason == "customs_clearance"
