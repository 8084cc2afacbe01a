from tandem_engagement.cli import app

app()
