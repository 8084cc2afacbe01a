from tandem_analytics.cli import app

app()
