"""The Tandem demo driver: a whole program, end to end, through the public APIs."""
