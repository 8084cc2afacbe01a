"""The Tandem analytics service: Engagement, retention and inclusion projections; analyst views."""
