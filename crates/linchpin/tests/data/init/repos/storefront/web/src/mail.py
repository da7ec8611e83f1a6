"""Order confirmations."""
import smtplib

SMTP_HOST = "smtp.sendgrid.net"


def send(message):
    with smtplib.SMTP(SMTP_HOST, 587) as smtp:
        smtp.starttls()
        smtp.send_message(message)
