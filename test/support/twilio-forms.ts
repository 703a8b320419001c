/**
 * What Twilio posts to a messaging webhook, for the tests that play Twilio against a channel: the form
 * of an inbound SMS (the fields Switchboard reads, and the ones Twilio always adds), and a request
 * signed as Twilio signs it (X-Twilio-Signature over the URL and the sorted form). No runtime import:
 * usable in workerd and in Node alike.
 */
import { twilioSignature } from "../../callbacks/signature";

/** A new Twilio message SID (SM + 32 hex). */
export const messageSid = (): string => "SM" + crypto.randomUUID().replace(/-/g, "");

/**
 * The form of an inbound SMS from `from` to `to` (the channel's number), under Twilio account `accountSid`.
 * @example smsForm("AC…", "+15550001111", "+15552223333", "Hi") // { MessageSid: "SM…", From: "+15550001111", Body: "Hi", … }
 */
export function smsForm(accountSid: string, from: string, to: string, body: string, sid: string = messageSid()): Record<string, string> {
  return {
    MessageSid: sid,
    SmsMessageSid: sid,
    AccountSid: accountSid,
    From: from,
    To: to,
    Body: body,
    NumMedia: "0",
    SmsStatus: "received",
    ApiVersion: "2010-04-01",
  };
}

/**
 * The request init that POSTs `params` to `url` signed with `authToken` (the URL must be the one the
 * request goes to: the signature covers it).
 * @example exports.default.fetch(url, await signedForm(url, smsForm(…), "token"))
 */
export async function signedForm(url: string, params: Record<string, string>, authToken: string): Promise<RequestInit> {
  return {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": await twilioSignature(authToken, url, params),
    },
    body: new URLSearchParams(params).toString(),
  };
}
