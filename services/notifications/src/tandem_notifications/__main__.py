from tandem_notifications.cli import app

app()
