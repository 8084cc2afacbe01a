-- depends: notifications_0002_people_and_horizons
-- Monthly pulse invitations now follow engagement's PulseInvited (engagement decides when a
-- pulse is due); the series this service planned itself stop, with what they had scheduled.
DELETE FROM timers WHERE kind = 'notifications.horizon' AND key LIKE 'pulses:%';
UPDATE deliveries SET status = 'cancelled', finished_at = now(),
       last_error = 'pulse invitations follow engagement'
 WHERE kind = 'pulse_invitation' AND status = 'scheduled' AND cause_id LIKE '%#pulse%';
