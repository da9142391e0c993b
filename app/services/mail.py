"""Email: rendered from a Jinja pair, sent by a job through SMTP or kept in the outbox."""
import logging

from flask import current_app, render_template
from flask_mail import Message

from app.extensions import db, jobs, mail
from app.models.mail import OutboxEmail

log = logging.getLogger(__name__)


def send_email(to, subject, template, **context):
    """Queue an email built from templates/emails/<template>.txt and .html.

    Context values must be plain (str, int, ...): the job may run in another process.
    """
    jobs.enqueue("workers.emails.deliver_email", to, subject, template, context, queue="emails")


def deliver(to, subject, template, context):
    """Render and deliver one email now, by SMTP when configured, else into the outbox."""
    context = {**context, "site_name": current_app.config["SITE_NAME"],
               "base_url": current_app.config["BASE_URL"]}
    text_body = render_template(f"emails/{template}.txt", **context)
    html_body = render_template(f"emails/{template}.html", **context)
    if current_app.config.get("MAIL_SERVER"):
        mail.send(Message(subject=subject, recipients=[to], body=text_body, html=html_body))
        log.info("mail sent to %s: %s", to, subject)
        return
    db.session.add(OutboxEmail(recipient=to, subject=subject, text_body=text_body,
                               html_body=html_body))
    db.session.commit()
    log.info("mail to %s kept in the outbox: %s", to, subject)
