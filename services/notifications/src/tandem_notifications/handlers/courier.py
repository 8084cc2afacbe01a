"""One claimed delivery through its channel: wanted? in the quiet hours? then compose and send.

Sends share one pace (``rate_per_second``) and one cap on sends in flight (``concurrency``)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from datetime import datetime

from tandem_notifications.adapters.email import Envelope, build_email
from tandem_notifications.adapters.records import Claimed, InboxEntry, Settled
from tandem_notifications.domain import unsubscribe
from tandem_notifications.domain.errors import NotificationError
from tandem_notifications.domain.identity import message_id
from tandem_notifications.domain.kinds import Channel
from tandem_notifications.domain.preferences import celebrate_in_program_channel
from tandem_notifications.domain.timing import next_moment
from tandem_notifications.handlers.compose import calendar_for, compose
from tandem_notifications.handlers.dispatch_config import DispatchConfig
from tandem_notifications.handlers.gather import Gathered
from tandem_notifications.handlers.outcomes import Attempted
from tandem_notifications.handlers.senders import EmailSender, WebhookSender
from tandem_notifications.handlers.throttle import Throttle


class Courier:
    """Attempts one delivery at a time; failures become retries, never exceptions."""

    def __init__(
        self,
        clock: Callable[[], datetime],
        email: EmailSender,
        webhook: WebhookSender,
        config: DispatchConfig,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self._clock, self._email, self._webhook = clock, email, webhook
        self._config, self._jitter = config, jitter
        self._throttle = Throttle(config.rate_per_second)
        self._slots = asyncio.Semaphore(config.concurrency)

    async def attempt(self, c: Claimed, around: Gathered, now: datetime) -> Attempted:
        """Send ``c`` if its recipient wants it now; how it settles."""
        d = c.delivery
        try:
            if d.channel is Channel.WEBHOOK:
                return await self._program_channel(c, around, now)
            contact = around.contact(d.recipient_id)
            choices = around.choices_of(d.recipient_id)
            program = around.programs.get(c.program_id or "")
            if not choices.preferences.wants(
                d.kind, d.channel, program.defaults if program else None
            ):
                return Attempted(Settled(d, d.skip("not wanted on this channel")))
            if d.channel is Channel.EMAIL:
                moment = next_moment(now, choices.rhythm.hours(contact.timezone))
                if moment > now:
                    return Attempted(Settled(d, d.defer(moment)))
            words = compose(c, around, contact.name)
            if d.channel is Channel.IN_APP:
                entry = InboxEntry(
                    d.notification_id, d.recipient_id, d.kind.value, words.subject, words.text, now
                )
                return Attempted(Settled(d, d.succeed()), entry)
            cfg = self._config
            token = unsubscribe.issue(
                cfg.unsubscribe_secret, d.recipient_id, now + cfg.unsubscribe_ttl
            )
            envelope = Envelope(
                cfg.sender,
                contact.name,
                contact.email,
                message_id(d.notification_id, d.channel.value, cfg.mail_domain),
                f"{cfg.public_url.rstrip('/')}/unsubscribe?token={token}",
                now,
            )
            ics = calendar_for(c, contact, cfg.sender, cfg.mail_domain, words.subject)
            message = build_email(envelope, words, ics)
            async with self._slots:
                await self._throttle.take()
                await self._email.send(message)
            return Attempted(Settled(d, d.succeed()))
        except NotificationError as exc:
            outcome = d.fail(exc, self._clock(), self._config.policy, self._jitter())
            return Attempted(Settled(d, outcome))

    async def _program_channel(self, c: Claimed, around: Gathered, now: datetime) -> Attempted:
        d = c.delivery
        program = around.programs.get(c.program_id or "")
        if program is None or not program.webhook_url or not program.webhook_secret:
            return Attempted(Settled(d, d.skip("the program has no channel")))
        members = around.members(c)
        if not celebrate_in_program_channel([around.choices_of(m).preferences for m in members]):
            return Attempted(Settled(d, d.skip("not every member opted in")))
        words = compose(c, around, program.name)
        async with self._slots:
            await self._throttle.take()
            await self._webhook.send(
                program.webhook_url,
                program.webhook_secret,
                words.chat,
                f"{d.notification_id}.{d.channel.value}",
                now,
            )
        return Attempted(Settled(d, d.succeed()))
