/**
 * The sign-in page: email and password, or — when the page was opened with `?sso=<jwt>` by the team's
 * own backend — a button that signs in with that token. Errors come from the catalog by status (401
 * wrong credentials, 429 with the seconds to wait), never the server's raw text. Works before any
 * desktop exists, so it takes a plain `Strings`.
 */
import { useId, useState, type FormEvent } from "react";
import type { Strings } from "../../framework";
import { HttpError } from "../api";
import { signIn, signInWithSso } from "../session";

export interface SignInProps {
  strings: Strings;
  /** Called once the cookie is set. */
  onSignedIn(): void;
  /** The SSO token from the URL, if any. */
  ssoToken?: string | null;
  /** The session just ended on the server (signed out elsewhere, disabled, removed): say so. */
  ended?: boolean;
}

/** The catalog message for a failed sign-in. */
export function signInError(strings: Strings, error: unknown): string {
  if (error instanceof HttpError) {
    if (error.status === 401) return strings.t("signIn.error.credentials");
    if (error.status === 429) return strings.t("signIn.error.rateLimited", { seconds: error.retryAfter ?? 60 });
  }
  return strings.t("app.error.generic");
}

export function SignIn({ strings, onSignedIn, ssoToken, ended = false }: SignInProps) {
  const t = strings.t.bind(strings);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const emailId = useId();
  const passwordId = useId();
  const errorId = useId();

  const attempt = async (run: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await run();
      onSignedIn();
    } catch (caught) {
      setError(signInError(strings, caught));
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void attempt(() => signIn(email.trim(), password));
  };

  return (
    <main className="sb-sign-in" id="sb-main">
      <form className="sb-card" onSubmit={submit} aria-describedby={error ? errorId : undefined} noValidate>
        <h1>{t("signIn.title")}</h1>
        {ended && (
          <p className="sb-muted" role="status">
            {t("signIn.ended")}
          </p>
        )}
        <div className="sb-field">
          <label htmlFor={emailId}>{t("signIn.email")}</label>
          <input id={emailId} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div className="sb-field">
          <label htmlFor={passwordId}>{t("signIn.password")}</label>
          <input
            id={passwordId}
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <p id={errorId} className="sb-error" role="alert">
          {error}
        </p>
        <button type="submit" className="sb-button sb-button-primary" disabled={busy || !email || !password}>
          {t("signIn.submit")}
        </button>
        {ssoToken && (
          <button type="button" className="sb-button" disabled={busy} onClick={() => void attempt(() => signInWithSso(ssoToken))}>
            {t("signIn.sso")}
          </button>
        )}
      </form>
    </main>
  );
}
