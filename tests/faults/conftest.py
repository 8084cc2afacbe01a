"""The fault tests' fixtures (databases, a private broker) come from the test kit."""
