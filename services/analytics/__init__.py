"""Makes this distribution's tests a uniquely named package for pytest (``analytics.tests``)."""
