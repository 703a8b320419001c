/**
 * Hash routes (`#/agent`, `#/supervisor`), so the Worker's static assets need no fallback: which
 * views a user may open (agents: their desktop; supervisors and admins: the supervisor views, and a
 * supervisor linked to a worker the agent desktop too) and the default one.
 */
import { useEffect, useState } from "react";
import type { DesktopSession } from "./types";

export type Route = "agent" | "supervisor";

export function routesFor(user: DesktopSession["user"]): Route[] {
  if (user.role === "agent") return ["agent"];
  // Supervisors and admins linked to a worker also get an agent's token for it (View=agent, workers/api/auth.ts).
  return user.workerSid ? ["supervisor", "agent"] : ["supervisor"];
}

/** The route the hash names if the user may open it, else their default. */
export function resolveRoute(hash: string, user: DesktopSession["user"]): Route {
  const allowed = routesFor(user);
  const asked = hash.replace(/^#\/?/, "").split(/[/?]/)[0];
  return allowed.find((r) => r === asked) ?? allowed[0]!;
}

/** The current route, following `hashchange`; rewrites the hash to the route actually shown. */
export function useRoute(user: DesktopSession["user"]): Route {
  const [route, setRoute] = useState(() => resolveRoute(location.hash, user));
  useEffect(() => {
    const sync = () => {
      const next = resolveRoute(location.hash, user);
      if (location.hash !== `#/${next}`) history.replaceState(null, "", `#/${next}`);
      setRoute(next);
    };
    sync();
    addEventListener("hashchange", sync);
    return () => removeEventListener("hashchange", sync);
  }, [user]);
  return route;
}
