"""The Tandem service kit: settings, logging, tracing, metrics, health and auth."""
