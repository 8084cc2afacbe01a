-- The timeline, program health and workspace views are fed as one projection from now on,
-- engagement_views (ADR 0034). Its runner starts with no progress and applies engagement.events
-- from the beginning (the log is kept forever), so the views are emptied here, with the
-- progress, claims and parked events of the three projections that fed them before.
-- depends: engagement_0003_timeline_members

TRUNCATE workspace_view, check_in_view, goal_view, feedback_view, milestone_view, pulse_view,
    timeline_view, program_health_view, program_health_pairs;
DELETE FROM projection_offsets
    WHERE projection IN ('engagement_timeline', 'engagement_program_health', 'engagement_workspaces');
DELETE FROM projection_applied
    WHERE projection IN ('engagement_timeline', 'engagement_program_health', 'engagement_workspaces');
DELETE FROM projection_parked
    WHERE projection IN ('engagement_timeline', 'engagement_program_health', 'engagement_workspaces');
