"""Email through a real SMTP server on loopback: STARTTLS, AUTH, parts, .ics, failures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from tandem_notifications.adapters.calendar import Series, invitation
from tandem_notifications.adapters.email import Envelope, build_email
from tandem_notifications.adapters.smtp import SmtpChannel, SmtpConfig
from tandem_notifications.domain.content import Rendered
from tandem_notifications.domain.errors import (
    HeaderInjection,
    PermanentFailure,
    TemporaryFailure,
)
from tandem_notifications.smtp_sink import SmtpSink

from .tls import self_signed

AT = datetime(2026, 3, 4, 10, tzinfo=UTC)
WORDS = Rendered("Meet Bob", "Hello Alice, meet Bob.", "<p>Hello Alice, meet <b>Bob</b>.</p>", "hi")


def envelope(name: str = "Alice Example", email: str = "alice@example.com") -> Envelope:
    return Envelope(
        "tandem@example.org",
        name,
        email,
        "<n1.email@tandem.test>",
        "https://tandem.test/unsubscribe?token=abc",
        AT,
    )


@pytest.fixture
def secure_sink(tmp_path: Path) -> Iterator[tuple[SmtpSink, SmtpChannel]]:
    server_tls, client_tls = self_signed(tmp_path)
    sink = SmtpSink(tls_context=server_tls, credentials=("tandem", "s3cret")).start()
    config = SmtpConfig(
        port=sink.port, start_tls=True, username="tandem", password="s3cret", connections=1
    )
    yield sink, SmtpChannel(config, client_tls)
    sink.stop()


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    running = SmtpSink().start()
    yield running
    running.stop()


def channel_to(sink: SmtpSink) -> SmtpChannel:
    return SmtpChannel(SmtpConfig(port=sink.port, connections=1, timeout=5))


async def test_a_reminder_arrives_over_starttls_with_both_parts_and_a_recurring_invite(
    secure_sink: tuple[SmtpSink, SmtpChannel],
) -> None:
    sink, channel = secure_sink
    series = Series("p1", date(2026, 3, 18), 14, 45, 7, "Europe/Lisbon")
    ics = invitation(
        series, "tandem@example.org", "alice@example.com", "Tandem", "tandem.test", cancel=False
    )
    await channel.send(build_email(envelope(), WORDS, ics))
    await channel.close()

    [got] = sink.messages
    assert got["Message-ID"] == "<n1.email@tandem.test>"
    assert got["To"] == "Alice Example <alice@example.com>"
    assert got["List-Unsubscribe"] == "<https://tandem.test/unsubscribe?token=abc>"
    text = got.get_body(("plain",))
    html = got.get_body(("html",))
    assert text is not None
    assert "meet Bob" in text.get_content()
    assert "https://tandem.test/unsubscribe?token=abc" in text.get_content()
    assert html is not None
    assert "<b>Bob</b>" in html.get_content()
    [attachment] = list(got.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    calendar = Calendar.from_ical(attachment.get_content())
    [event] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == "tandem-cadence-p1@tandem.test"
    assert event["RRULE"]["FREQ"] == ["DAILY"]
    assert event["RRULE"]["INTERVAL"] == [14]
    assert int(event["SEQUENCE"]) == 7
    assert event.decoded("DTSTART") == datetime(
        2026, 3, 18, 10, tzinfo=event.decoded("DTSTART").tzinfo
    )
    assert str(event.decoded("DTSTART").tzinfo) == "Europe/Lisbon"
    assert (event.decoded("DTEND") - event.decoded("DTSTART")).total_seconds() == 45 * 60


async def test_a_cancelled_series_keeps_its_uid_and_says_cancel(sink: SmtpSink) -> None:
    series = Series("p1", date(2026, 3, 18), 14, 45, 8)
    ics = invitation(
        series, "tandem@example.org", "alice@example.com", "Tandem", "tandem.test", cancel=True
    )
    channel = channel_to(sink)
    await channel.send(build_email(envelope(), WORDS, ics))
    await channel.close()
    [attachment] = list(sink.messages[0].iter_attachments())
    [event] = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert attachment.get_param("method") == "CANCEL"
    assert (str(event["UID"]), str(event["STATUS"])) == (
        "tandem-cadence-p1@tandem.test",
        "CANCELLED",
    )


async def test_a_4xx_reply_is_temporary_and_a_5xx_reply_permanent(sink: SmtpSink) -> None:
    channel = channel_to(sink)
    sink.fail_with("451 4.3.0 try again later")
    with pytest.raises(TemporaryFailure, match="451"):
        await channel.send(build_email(envelope(), WORDS))
    sink.fail_with("554 5.7.1 rejected")
    with pytest.raises(PermanentFailure, match="554"):
        await channel.send(build_email(envelope(), WORDS))
    sink.fail_with(None)
    await channel.send(build_email(envelope(), WORDS))  # the pool recovered its connection
    await channel.close()
    assert sink.accepted == 1


async def test_a_server_that_is_down_is_a_temporary_failure() -> None:
    stopped = SmtpSink()  # never started: nothing listens on its port
    with pytest.raises(TemporaryFailure):
        await channel_to(stopped).send(build_email(envelope(), WORDS))


def test_a_name_with_a_line_break_cannot_inject_headers() -> None:
    with pytest.raises(HeaderInjection):
        build_email(envelope(name="Eve\r\nBcc: everyone@example.com"), WORDS)
    with pytest.raises(HeaderInjection):
        Rendered("Hi\nBcc: x@example.com", "t", "h", "c")
