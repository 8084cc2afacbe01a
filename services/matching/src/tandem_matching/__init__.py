"""The Tandem matching service: Programs, voluntary enrolment, profiles and explained peer matching."""
