/**
 * Reply choices an agent or a bot offers the customer, written once on an outbound message's
 * `attributes.interactive` and shown the way each Meta channel can: WhatsApp interactive messages
 * (up to 3 reply buttons, or a list of up to 10 rows), Messenger and Instagram quick replies (up to 13).
 * The customer's tap comes back as an inbound message whose `attributes.interactive` is
 * `{type, id, title}` (`button_reply`, `list_reply`, `quick_reply`), so a flow can branch on the `id`.
 *
 * ```json
 * { "interactive": { "buttons": [{ "id": "yes", "title": "Yes" }, { "id": "no", "title": "No" }] } }
 * { "interactive": { "list": { "button": "Pick a time", "sections": [{ "title": "Monday", "rows": [{ "id": "mon-9", "title": "9:00" }] }] } } }
 * ```
 */
import { z } from "zod";

const choice = z.object({ id: z.string().min(1).max(256), title: z.string().min(1).max(20) });

const outboundInteractive = z
  .object({
    buttons: z.array(choice).min(1).max(3).optional(),
    list: z
      .object({
        button: z.string().min(1).max(20),
        sections: z
          .array(
            z.object({
              title: z.string().max(24).optional(),
              rows: z
                .array(choice.extend({ title: z.string().min(1).max(24), description: z.string().max(72).optional() }))
                .min(1)
                .max(10),
            }),
          )
          .min(1)
          .max(10),
      })
      .optional(),
  })
  .refine((value) => !(value.buttons && value.list), { message: "set either buttons or list, not both" });

export type OutboundInteractive = z.infer<typeof outboundInteractive>;

/**
 * The reply choices on an outbound message: null when it offers none (no `interactive`, or an inbound
 * reply's `{type, id, title}` copied along), or an error naming the field that breaks Meta's limits.
 *
 * @example
 * outboundChoices({ interactive: { buttons: [{ id: "yes", title: "Yes" }] } }); // { choices: { buttons: [...] } }
 */
export function outboundChoices(
  attributes: Readonly<Record<string, unknown>>,
): { choices: OutboundInteractive | null } | { error: string } {
  const value = attributes.interactive;
  if (value === null || typeof value !== "object" || !("buttons" in value || "list" in value)) return { choices: null };
  const parsed = outboundInteractive.safeParse(value);
  if (parsed.success) return { choices: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    error: `attributes.interactive${issue && issue.path.length > 0 ? "." + issue.path.join(".") : ""}: ${issue?.message ?? "invalid"}`,
  };
}

/** Every choice, flattened (list rows in order): what a quick-reply channel can show. */
export function flatChoices(choices: OutboundInteractive): { id: string; title: string }[] {
  if (choices.buttons) return choices.buttons.map(({ id, title }) => ({ id, title }));
  return (choices.list?.sections ?? []).flatMap((section) => section.rows.map(({ id, title }) => ({ id, title })));
}
