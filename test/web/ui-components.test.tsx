/**
 * The design system's components (web/desktop/src/app/ui): what they show, worked out by hand, and how they
 * answer the keyboard — a menu button, tabs and the modal dialog, as WAI-ARIA's patterns have them.
 */
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useRef, useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Avatar, Dialog, Menu, Tabs, Tile, Timer, formatDuration, initials, toneFor } from "../../web/desktop/src/app/ui";

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe("formatDuration, initials, toneFor", () => {
  it.each([
    [0, "0:00"],
    [999, "0:00"], // whole seconds only
    [75_000, "1:15"],
    [3_599_000, "59:59"],
    [3_725_000, "1:02:05"], // 1 h 2 min 5 s
    [-5_000, "0:00"], // a clock a little behind the server's never shows a negative wait
  ])("%d ms reads %s", (ms, text) => expect(formatDuration(ms)).toBe(text));

  it.each([
    ["Ada Lovelace", "AL"],
    ["  grace  brewster murray hopper ", "GH"],
    ["ada@example.com", "A"],
    ["émile zola", "ÉZ"],
    ["", "?"],
    [null, "?"],
  ])("%j → %s", (name, text) => expect(initials(name)).toBe(text));

  it.each([
    // longest wait in seconds against warning 60 / error 120
    [30, { warning: 60, error: 120 }, "neutral"],
    [60, { warning: 60, error: 120 }, "warning"],
    [125, { warning: 60, error: 120 }, "error"],
    // service level in percent, higher is better: target 85 warns below it, 70 is an error
    [90, { warning: 85, error: 70, higherIsBetter: true }, "neutral"],
    [72, { warning: 85, error: 70, higherIsBetter: true }, "warning"],
    [65, { warning: 85, error: 70, higherIsBetter: true }, "error"],
    [500, {}, "neutral"], // no threshold set
    [null, { warning: 1 }, "neutral"], // no figure yet
  ] as const)("%j against %j is %s", (value, limits, tone) => expect(toneFor(value, limits)).toBe(tone));
});

describe("Avatar, Tile, Timer", () => {
  it("an avatar shows initials and the agent's state; a tile its figure in its tone", () => {
    const { container } = render(
      <>
        <Avatar name="Ada Lovelace" state="wrapping" />
        <Tile label="Longest wait" value="2:05" tone="error" />
      </>,
    );
    expect(container.querySelector(".sb-avatar")!.textContent).toBe("AL");
    expect(container.querySelector(".sb-avatar-state")!.getAttribute("data-state")).toBe("wrapping");
    expect(container.querySelector(".sb-tile")!.getAttribute("data-tone")).toBe("error");
    expect(screen.getByText("2:05")).toBeTruthy();
  });

  it("a timer ticks every second from its clock and names itself for a screen reader", () => {
    vi.useFakeTimers();
    let now = 1_000_000;
    render(<Timer since={now - 59_000} label="Waiting" clock={() => now} />);
    expect(screen.getByLabelText("Waiting 0:59").textContent).toBe("0:59");
    now += 2_000;
    act(() => void vi.advanceTimersByTime(1_000));
    expect(screen.getByLabelText("Waiting 1:01").textContent).toBe("1:01");
  });

  it("a timer with a threshold turns red on the tick that crosses it (an SLA), not before", () => {
    vi.useFakeTimers();
    let now = 1_000_000;
    render(<Timer since={now - 58_000} label="Customer waiting for" overAfterMs={60_000} clock={() => now} />);
    expect(screen.getByLabelText("Customer waiting for 0:58").getAttribute("data-tone")).toBe("neutral");
    now += 1_000;
    act(() => void vi.advanceTimersByTime(1_000));
    expect(screen.getByLabelText("Customer waiting for 0:59").getAttribute("data-tone")).toBe("neutral");
    now += 1_000;
    act(() => void vi.advanceTimersByTime(1_000));
    expect(screen.getByLabelText("Customer waiting for 1:00").getAttribute("data-tone")).toBe("error");
  });
});

describe("Menu", () => {
  function Settings({ onPick }: { onPick: (what: string) => void }) {
    return (
      <Menu
        label="Settings"
        button="⚙"
        groups={[
          {
            label: "Theme",
            items: [
              { key: "light", label: "Light", checked: true, onSelect: () => onPick("light") },
              { key: "dark", label: "Dark", checked: false, onSelect: () => onPick("dark") },
            ],
          },
          { items: [{ key: "help", label: "Help", onSelect: () => onPick("help") }] },
        ]}
      />
    );
  }

  it("opens on its first item, moves with the arrows, Home and End, and picks with a click", () => {
    const picked: string[] = [];
    render(<Settings onPick={(what) => picked.push(what)} />);
    const button = screen.getByRole("button", { name: "Settings" });
    expect(button.getAttribute("aria-haspopup")).toBe("menu");
    fireEvent.click(button);
    const menu = screen.getByRole("menu", { name: "Settings" });
    expect(document.activeElement).toBe(screen.getByRole("menuitemradio", { name: "Light" }));
    expect(screen.getByRole("menuitemradio", { name: "Light" }).getAttribute("aria-checked")).toBe("true");
    fireEvent.keyDown(menu, { key: "ArrowDown" });
    expect(document.activeElement).toBe(screen.getByRole("menuitemradio", { name: "Dark" }));
    fireEvent.keyDown(menu, { key: "End" });
    expect(document.activeElement).toBe(screen.getByRole("menuitem", { name: "Help" }));
    fireEvent.keyDown(menu, { key: "ArrowDown" }); // wraps round
    expect(document.activeElement).toBe(screen.getByRole("menuitemradio", { name: "Light" }));
    fireEvent.keyDown(menu, { key: "ArrowUp" });
    expect(document.activeElement).toBe(screen.getByRole("menuitem", { name: "Help" }));
    fireEvent.click(screen.getByRole("menuitemradio", { name: "Dark" }));
    expect(picked).toEqual(["dark"]);
    expect(screen.queryByRole("menu")).toBeNull();
    expect(document.activeElement).toBe(button);
  });

  it("opens with ArrowDown on its button, and closes on Escape (focus back on the button) or a click outside", () => {
    render(<Settings onPick={() => undefined} />);
    const button = screen.getByRole("button", { name: "Settings" });
    fireEvent.keyDown(button, { key: "ArrowDown" });
    expect(button.getAttribute("aria-expanded")).toBe("true");
    fireEvent.keyDown(screen.getByRole("menu"), { key: "Escape" });
    expect(screen.queryByRole("menu")).toBeNull();
    expect(document.activeElement).toBe(button);
    fireEvent.click(button);
    fireEvent.mouseDown(document.body);
    expect(screen.queryByRole("menu")).toBeNull();
  });
});

describe("Tabs", () => {
  function Panels() {
    const [tab, setTab] = useState("card");
    return (
      <Tabs
        label="Customer"
        selected={tab}
        onSelect={setTab}
        tabs={[
          { key: "card", label: "Card", panel: <p>the card</p> },
          { key: "history", label: "History", panel: <input aria-label="Search history" /> },
          { key: "raw", label: "Attributes", panel: <p>raw</p> },
        ]}
      />
    );
  }

  it("keeps one tab in the Tab order, moves and selects with the arrows, and keeps hidden panels mounted", () => {
    render(<Panels />);
    const [card, history, raw] = screen.getAllByRole("tab");
    expect([card, history, raw].map((t) => t!.getAttribute("tabindex"))).toEqual(["0", "-1", "-1"]);
    fireEvent.change(screen.getByLabelText("Search history", { selector: "input" }), { target: { value: "refund" } });
    card!.focus();
    fireEvent.keyDown(screen.getByRole("tablist"), { key: "ArrowRight" });
    expect(history!.getAttribute("aria-selected")).toBe("true");
    expect(document.activeElement).toBe(history);
    expect(screen.getByRole("tabpanel", { name: "History" })).toBeTruthy();
    fireEvent.keyDown(screen.getByRole("tablist"), { key: "End" });
    expect(raw!.getAttribute("aria-selected")).toBe("true");
    fireEvent.keyDown(screen.getByRole("tablist"), { key: "ArrowRight" }); // wraps round
    expect(card!.getAttribute("aria-selected")).toBe("true");
    // What was typed in a hidden panel is still there.
    expect((screen.getByLabelText("Search history", { selector: "input" }) as HTMLInputElement).value).toBe("refund");
  });

  it("mirrors the arrows in a right-to-left language", () => {
    document.documentElement.dir = "rtl";
    try {
      render(<Panels />);
      const [card, history] = screen.getAllByRole("tab");
      card!.focus();
      fireEvent.keyDown(screen.getByRole("tablist"), { key: "ArrowLeft" });
      expect(history!.getAttribute("aria-selected")).toBe("true");
    } finally {
      document.documentElement.dir = "";
    }
  });
});

describe("Dialog", () => {
  function Opener() {
    const [open, setOpen] = useState(false);
    const search = useRef<HTMLInputElement>(null);
    return (
      <>
        <button type="button" onClick={() => setOpen(true)}>
          Transfer
        </button>
        {open && (
          <Dialog title="Transfer to" onClose={() => setOpen(false)} initialFocus={search}>
            <button type="button">First</button>
            <input ref={search} aria-label="Search" />
            <button type="button">Last</button>
          </Dialog>
        )}
      </>
    );
  }

  it("is labelled by its title, takes focus where asked, keeps Tab inside, and gives focus back when Escape closes it", () => {
    render(<Opener />);
    const opener = screen.getByRole("button", { name: "Transfer" });
    opener.focus();
    fireEvent.click(opener);
    const dialog = screen.getByRole("dialog", { name: "Transfer to" });
    expect(dialog.getAttribute("aria-modal")).toBe("true");
    expect(document.activeElement).toBe(screen.getByLabelText("Search"));
    screen.getByRole("button", { name: "Last" }).focus();
    fireEvent.keyDown(dialog, { key: "Tab" });
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "First" }));
    fireEvent.keyDown(dialog, { key: "Tab", shiftKey: true });
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Last" }));
    fireEvent.keyDown(dialog, { key: "Escape" });
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
});
