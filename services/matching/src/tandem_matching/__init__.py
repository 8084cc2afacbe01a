"""The Tandem matching service: programs, voluntary enrolment, profiles, explained matching."""
