/** Markdown files the Worker bundles as text (wrangler.toml's `[[rules]]` of type Text): docs/errors.md. */
declare module "*.md" {
  const text: string;
  export default text;
}
