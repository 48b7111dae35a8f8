package dev.schedulerx.server.alert;

import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Properties;

/** Sends an alert as a plain-text mail over SMTP (Jakarta Mail). Blocking: called on the alert executor only. */
final class MailSender {
  static final String IDEMPOTENCY_HEADER = "X-SchedulerX-Alert-Id";

  private final AlertSettings.Smtp smtp;
  private final Session session;

  MailSender(AlertSettings.Smtp smtp, Duration timeout) {
    this.smtp = smtp;
    Properties p = new Properties();
    p.put("mail.smtp.host", smtp.host());
    p.put("mail.smtp.port", Integer.toString(smtp.port()));
    p.put("mail.smtp.connectiontimeout", Long.toString(timeout.toMillis()));
    p.put("mail.smtp.timeout", Long.toString(timeout.toMillis()));
    p.put("mail.smtp.writetimeout", Long.toString(timeout.toMillis()));
    p.put("mail.smtp.starttls.enable", Boolean.toString(smtp.startTls()));
    p.put("mail.smtp.starttls.required", Boolean.toString(smtp.startTls()));
    boolean auth = !smtp.user().isEmpty();
    p.put("mail.smtp.auth", Boolean.toString(auth));
    this.session = auth
        ? Session.getInstance(p, new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
              return new PasswordAuthentication(smtp.user(), smtp.password());
            }
          })
        : Session.getInstance(p);
  }

  void send(List<String> to, Alert alert, String idempotencyKey) throws SendFailure {
    if (smtp.host().isEmpty()) {
      throw SendFailure.permanent("no SMTP server: set schedulerx-server.alerting.smtp.host");
    }
    try {
      MimeMessage message = new MimeMessage(session);
      message.setFrom(new InternetAddress(smtp.from()));
      for (String address : to) {
        message.addRecipient(Message.RecipientType.TO, new InternetAddress(address, true));
      }
      message.setSubject(alert.title(), "UTF-8");
      message.setText(alert.text(), "UTF-8");
      message.setSentDate(Date.from(alert.raisedAt()));
      message.setHeader(IDEMPOTENCY_HEADER, idempotencyKey);
      Transport.send(message);
    } catch (AddressException e) {
      throw SendFailure.permanent("bad mail address: " + e.getMessage());
    } catch (SendFailedException e) {
      throw SendFailure.permanent("refused by the SMTP server: " + firstLine(e.getMessage()));
    } catch (MessagingException e) {
      throw SendFailure.transientFailure("SMTP " + smtp.host() + ":" + smtp.port() + ": " + firstLine(String.valueOf(e.getMessage())));
    }
  }

  private static String firstLine(String s) {
    int n = s.indexOf('\n');
    return (n < 0 ? s : s.substring(0, n)).trim();
  }
}
