/**
 * `<Slot>` in React: plugin components appear in order and follow slot changes, DOM components are
 * mounted and cleaned up, and a crashing plugin component is contained and reported.
 */
import { act, cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createSlots, type SlotProps } from "../../web/desktop/src/framework/slots";
import { Slot } from "../../web/desktop/src/framework/slots-react";

afterEach(cleanup);

const Label =
  ({ text }: { text: string }) =>
  () => <span>{text}</span>;

describe("<Slot>", () => {
  it("renders entries in order with the slot's props and the fallback when empty", () => {
    const slots = createSlots();
    const props: SlotProps = { customer: "Grace" };
    const { container } = render(<Slot slots={slots} name="CustomerPanel" props={props} fallback={<em>empty</em>} />);
    expect(container.textContent).toBe("empty");
    act(() => {
      slots.add("CustomerPanel", { key: "b", component: Label({ text: "second" }), sortOrder: 20 });
      slots.add("CustomerPanel", { key: "a", component: (p: SlotProps) => <b>hello {String(p.customer)}</b>, sortOrder: 10 });
    });
    expect(container.textContent).toBe("hello Gracesecond");
    act(() => void slots.remove("CustomerPanel", "a"));
    expect(container.textContent).toBe("second");
  });

  it("mounts DOM components into their own element and runs their cleanup when removed", () => {
    const slots = createSlots();
    const cleanupSpy = vi.fn();
    slots.add("MainHeader", {
      key: "dom",
      component: {
        mount(element: HTMLElement, props: SlotProps) {
          element.append(`plain JS for ${String(props.user)}`);
          return cleanupSpy;
        },
      },
    });
    const props = { user: "ada" };
    const { container } = render(<Slot slots={slots} name="MainHeader" props={props} />);
    expect(container.textContent).toBe("plain JS for ada");
    act(() => void slots.remove("MainHeader", "dom"));
    expect(cleanupSpy).toHaveBeenCalledTimes(1);
    expect(container.textContent).toBe("");
  });

  it("contains a crashing plugin component: the others still render and the error is reported", () => {
    const slots = createSlots();
    const onError = vi.fn();
    const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
    slots.add("TaskCanvas.Header", {
      key: "broken",
      component: () => {
        throw new Error("plugin render bug");
      },
    });
    slots.add("TaskCanvas.Header", { key: "ok", component: Label({ text: "still here" }) });
    render(<Slot slots={slots} name="TaskCanvas.Header" onError={onError} />);
    expect(screen.getByText("still here")).toBeTruthy();
    expect(onError).toHaveBeenCalledWith("broken", expect.objectContaining({ message: "plugin render bug" }));
    quiet.mockRestore();
  });

  it("ignores changes to other slots", () => {
    const slots = createSlots();
    const renders = vi.fn(() => <i>x</i>);
    slots.add("CustomerPanel", { key: "x", component: renders });
    render(<Slot slots={slots} name="CustomerPanel" />);
    const before = renders.mock.calls.length;
    act(() => slots.add("MainHeader", { key: "y", component: Label({ text: "y" }) }));
    expect(renders.mock.calls.length).toBe(before);
  });
});
