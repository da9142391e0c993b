"""Email jobs."""
from app import mail


def deliver_email(to, subject, template, context):
    mail.deliver(to, subject, template, context)


def deliver_emails(messages):
    """Many emails over one SMTP connection: [(to, subject, template, context)]."""
    mail.deliver_many(messages)
