from tandem_matching.cli import app

app()
