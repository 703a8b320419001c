/** The desktop's programmable core, framework-agnostic: one import for the screens and for typed plugins. */
export * from "./actions";
export * from "./desktop";
export * from "./notifications";
export * from "./plugins";
export * from "./slots";
export * from "./strings";
export * from "./tasks";
export * from "./theme";
export * from "./theme-controller";
