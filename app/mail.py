"""Email: rendered from a Jinja pair, sent by a job through SMTP or kept in the outbox."""
import logging

from flask import current_app, render_template
from flask_mail import Message
from sqlalchemy import insert

from app.extensions import db, jobs, mail
from app.models.base import utcnow
from app.models.mail import OutboxEmail

log = logging.getLogger(__name__)


def send_email(to, subject, template, **context):
    """Queue an email built from templates/emails/<template>.txt and .html.

    Context values must be plain (str, int, ...): the job may run in another process.
    """
    jobs.enqueue("workers.emails.deliver_email", to, subject, template, context, queue="emails")


def send_emails(messages):
    """Queue many (to, subject, template, context) emails as ONE job (one SMTP connection)."""
    if messages:
        jobs.enqueue("workers.emails.deliver_emails", [list(m) for m in messages],
                     queue="emails")


def _render(to, subject, template, context):
    context = {**context, "site_name": current_app.config["SITE_NAME"],
               "base_url": current_app.config["BASE_URL"]}
    return (to, subject, render_template(f"emails/{template}.txt", **context),
            render_template(f"emails/{template}.html", **context))


def deliver_many(messages):
    """Render and deliver many emails now; returns how many went out.

    One SMTP connection (or one outbox transaction) for all. A message that fails to render
    or send is logged and skipped, not retried: retrying the batch would resend the others.
    A failure to connect at all raises (nothing was sent, so the job's retry is safe).
    """
    rendered = []
    for to, subject, template, context in messages:
        try:
            rendered.append(_render(to, subject, template, context))
        except Exception:
            log.exception("mail to %s could not be rendered: %s", to, subject)
    if not rendered:
        return 0
    if not current_app.config.get("MAIL_SERVER"):
        db.session.execute(insert(OutboxEmail.__table__), [
            {"recipient": to, "subject": subject, "text_body": text, "html_body": html,
             "created_at": utcnow()} for to, subject, text, html in rendered])
        db.session.commit()
        log.info("%d mails kept in the outbox", len(rendered))
        return len(rendered)
    sent = 0
    with mail.connect() as connection:
        for to, subject, text, html in rendered:
            try:
                connection.send(Message(subject=subject, recipients=[to], body=text, html=html))
                sent += 1
            except Exception:
                log.exception("mail to %s failed: %s", to, subject)
    log.info("%d of %d mails sent", sent, len(rendered))
    return sent


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
