/**
 * The few parts of nlp.js (https://github.com/axa-group/nlp.js, MIT) the bot uses, typed: the packages
 * ship plain CommonJS without declarations. Only what classifier.ts calls is declared.
 */
declare module "@nlpjs/core" {
  export interface NlpContainer {
    use(plugin: unknown): unknown;
    get(name: string): unknown;
    register(name: string, value: unknown): void;
    registerConfiguration(tag: string, settings: Record<string, unknown>, overwrite?: boolean): void;
  }
  export function containerBootstrap(): NlpContainer;
}

declare module "@nlpjs/nlp" {
  import type { NlpContainer } from "@nlpjs/core";
  export interface NlpResult {
    readonly locale: string;
    readonly intent: string;
    readonly score: number;
    readonly sentiment?: { readonly score: number; readonly numHits: number; readonly numWords: number; readonly type?: string };
  }
  export interface NluDomain {
    readonly features: Readonly<Record<string, number>>;
    prepare(text: string): Promise<Record<string, number> | string[]>;
  }
  export class Nlp {
    constructor(settings: Record<string, unknown>);
    readonly nluManager: { readonly domainManagers: Record<string, { readonly domains: Record<string, NluDomain> }> };
    readonly container: NlpContainer;
    addLanguage(locales: string | string[]): void;
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<unknown>;
    process(locale: string, utterance: string): Promise<NlpResult>;
    export(minified?: boolean): string;
    import(model: string): void;
  }
}

declare module "@nlpjs/lang-en-min" {
  export const LangEn: unknown;
}
declare module "@nlpjs/lang-es" {
  export const LangEs: unknown;
}
declare module "@nlpjs/language-min" {
  export class Language {
    guessBest(utterance: string, allowList?: string[]): { readonly alpha2: string; readonly score: number } | undefined;
  }
}
