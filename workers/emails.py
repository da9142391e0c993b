"""Email jobs."""
from app.services import mail


def deliver_email(to, subject, template, context):
    mail.deliver(to, subject, template, context)
