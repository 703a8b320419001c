/** Raw mail fixtures, imported as text with Vite's `?raw` suffix (the Workers tests cannot read files). */
declare module "*.eml?raw" {
  const raw: string;
  export default raw;
}
