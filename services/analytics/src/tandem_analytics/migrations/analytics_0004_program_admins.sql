-- depends: analytics_0003_analyst_access
-- Co-admins of a program (matching's ProgramAdminAdded / ProgramAdminRemoved): they see the
-- program's dashboard like its owner. One row per (program, person): the latest change by
-- (time, event id) wins, so an add and a remove arriving in either order end the same.

CREATE TABLE program_admins (
    program_id text NOT NULL,
    person     text NOT NULL,
    active     boolean NOT NULL,
    changed_at timestamptz NOT NULL,
    event_id   text NOT NULL,
    PRIMARY KEY (program_id, person)
);
CREATE INDEX program_admins_person ON program_admins (person) WHERE active;
