/**
 * A sample Switchboard desktop plugin: a plain ES module, no build step. Register its URL for a
 * workspace and every agent's desktop loads it. It shows the three things most plugins do:
 * - adds a panel to a UI slot (the customer panel) with a DOM component, text from the string catalog;
 * - listens before an action: an AcceptTask whose task has the attribute `blocked: true` is canceled
 *   (with a warning notification), any other gets a `note` added to its payload;
 * - registers its own notification and strings (English and Arabic).
 */

/** @param {import("../../web/desktop/src/framework/plugins").PluginApi} api */
function init({ Actions, Notifications, Slots, Strings, Tasks, Manager }) {
  Strings.override("sample.panel.title", "Sample plugin");
  Strings.override("sample.panel.body", "Workspace {workspace} · signed in as {identity}");
  Strings.override("sample.blocked", "Task {task} is blocked and cannot be accepted.");
  Strings.override("sample.panel.title", "إضافة تجريبية", "ar");
  Strings.override("sample.panel.body", "مساحة العمل {workspace} · تم تسجيل الدخول باسم {identity}", "ar");
  Strings.override("sample.blocked", "المهمة {task} محظورة ولا يمكن قبولها.", "ar");

  Notifications.register({ id: "SampleBlocked", content: "sample.blocked", type: "warning", timeout: 6000 });

  Slots.add("CustomerPanel", {
    key: "sample-plugin-panel",
    sortOrder: 100,
    /** @type {import("../../web/desktop/src/framework/slots").DomComponent} */
    component: {
      mount(element) {
        const section = element.ownerDocument.createElement("section");
        const title = element.ownerDocument.createElement("h3");
        const body = element.ownerDocument.createElement("p");
        const render = () => {
          title.textContent = Strings.t("sample.panel.title");
          body.textContent = Strings.t("sample.panel.body", { workspace: Manager.workspaceSid, identity: Manager.user.identity });
        };
        render();
        section.append(title, body);
        element.append(section);
        const unsubscribe = Strings.subscribe(render);
        return () => {
          unsubscribe();
          section.remove();
        };
      },
    },
  });

  Actions.addListener("beforeAcceptTask", (payload, cancelAction) => {
    if (payload.task.attributes.blocked === true) {
      Notifications.show("SampleBlocked", { task: payload.task.sid });
      cancelAction("blocked by sample-plugin");
      return;
    }
    payload.note = `accepted by ${Manager.user.identity} via sample-plugin`;
  });

  Tasks.on("accepted", () => {
    // A real plugin might open the customer's CRM record here.
  });
}

export default { name: "sample-plugin", version: "1.0.0", init };
