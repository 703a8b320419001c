/**
 * An attachment in the chat log. The media route needs the agent's token, so an image is fetched into an
 * object URL (revoked when it leaves the screen); any other file is a button that downloads it the same way.
 */
import { useEffect, useState } from "react";
import { useStrings } from "../desktop-context";
import type { DesktopSession } from "../types";
import { mediaObjectUrl } from "./api";
import type { MediaRef } from "./chat-state";

export function MediaView({ media, workspaceSid, session }: { media: MediaRef; workspaceSid: string; session: DesktopSession }) {
  const t = useStrings();
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const image = media.content_type.startsWith("image/");
  const label = media.filename ?? t("chat.attachment");

  useEffect(() => {
    if (!image) return;
    let url: string | null = null;
    let live = true;
    mediaObjectUrl(session, workspaceSid, media.sid).then(
      (made) => {
        url = made;
        if (live) setSrc(made);
        else URL.revokeObjectURL(made);
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [image, session, workspaceSid, media.sid]);

  if (image && src) return <img className="sb-chat__image" src={src} alt={label} />;
  const download = async (): Promise<void> => {
    try {
      const url = await mediaObjectUrl(session, workspaceSid, media.sid);
      const link = document.createElement("a");
      link.href = url;
      link.download = label;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch {
      setFailed(true);
    }
  };
  return (
    <button type="button" className="sb-chat__file" onClick={() => void download()} aria-invalid={failed || undefined}>
      {label}
    </button>
  );
}
